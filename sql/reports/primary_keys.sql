-- lma indexes: ordinary and partitioned tables without a primary key, each with a unique index
-- that could become one. ALTER TABLE ... ADD PRIMARY KEY USING INDEX accepts a valid, unique,
-- immediate, non-partial B-tree on plain columns (no INCLUDE), each with its type's default
-- operator class, the column's collation and the default sort order ("does not have default
-- sorting behavior" otherwise); lma also asks NOT NULL columns, so that nothing is scanned. It
-- refuses an index a constraint owns ("index ... is already associated with a constraint",
-- PostgreSQL 15): such an index is given as constraint_candidate, for the reason only.
-- $1 text[]: the schemas. Partitions are left out: they get their parent's key.
WITH candidates AS (
    SELECT
        i.indrelid,
        i.indexrelid,
        c.relname,
        i.indnatts,
        owner.conname AS owner
    FROM pg_index AS i
    JOIN pg_class AS c ON c.oid = i.indexrelid
    JOIN pg_am AS am ON am.oid = c.relam
    -- The constraint the index belongs to (pg_depend, as PostgreSQL's get_index_constraint).
    LEFT JOIN LATERAL (
        SELECT con.conname
        FROM pg_depend AS d
        JOIN pg_constraint AS con ON con.oid = d.refobjid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
          AND d.refclassid = 'pg_constraint'::regclass AND d.deptype = 'i'
    ) AS owner ON true
    WHERE i.indisunique AND i.indisvalid AND i.indimmediate
      AND i.indpred IS NULL AND i.indexprs IS NULL
      AND i.indnatts = i.indnkeyatts
      AND am.amname = 'btree'
      AND NOT EXISTS (SELECT FROM unnest(i.indoption) AS o WHERE o <> 0)
      AND NOT EXISTS (
          SELECT
          FROM unnest(i.indkey::int2[], i.indclass::oid[], i.indcollation::oid[])
              AS k(attnum, opclass, collation_oid)
          JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          JOIN pg_opclass AS oc ON oc.oid = k.opclass
          WHERE NOT a.attnotnull OR NOT oc.opcdefault OR k.collation_oid <> a.attcollation
      )
)
SELECT
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    t.relkind = 'p' AS is_partitioned,
    (
        SELECT quote_ident(cand.relname) FROM candidates AS cand
        WHERE cand.indrelid = t.oid AND cand.owner IS NULL
        -- The oldest, as redundancy keeps the oldest of duplicates: never the one it drops.
        ORDER BY cand.indnatts, cand.indexrelid
        LIMIT 1
    ) AS candidate_index,
    (
        SELECT quote_ident(cand.owner) FROM candidates AS cand
        WHERE cand.indrelid = t.oid AND cand.owner IS NOT NULL
        ORDER BY cand.indnatts, cand.indexrelid
        LIMIT 1
    ) AS constraint_candidate
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p')
  AND NOT t.relispartition
  AND NOT EXISTS (
      SELECT FROM pg_constraint AS con WHERE con.conrelid = t.oid AND con.contype = 'p'
  )
  AND n.nspname = ANY ($1::text[])
ORDER BY 1
