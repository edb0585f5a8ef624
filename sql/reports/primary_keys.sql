-- lma indexes: ordinary and partitioned tables without a primary key, each with a unique index
-- that could become one (ALTER TABLE ... ADD PRIMARY KEY USING INDEX accepts a valid, unique,
-- non-partial B-tree on plain columns with default sort order; its columns must be NOT NULL).
-- $1 text[]: the schemas. Partitions are left out: they get their parent's key.
SELECT
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    t.relkind = 'p' AS is_partitioned,
    (
        SELECT quote_ident(c.relname)
        FROM pg_index AS i
        JOIN pg_class AS c ON c.oid = i.indexrelid
        JOIN pg_am AS am ON am.oid = c.relam
        WHERE i.indrelid = t.oid
          AND i.indisunique AND i.indisvalid AND i.indimmediate
          AND i.indpred IS NULL AND i.indexprs IS NULL
          AND i.indnatts = i.indnkeyatts
          AND am.amname = 'btree'
          AND NOT EXISTS (SELECT FROM unnest(i.indoption) AS o WHERE o <> 0)
          AND NOT EXISTS (
              SELECT FROM pg_attribute AS a
              WHERE a.attrelid = t.oid AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull
          )
        ORDER BY i.indnatts, c.relname
        LIMIT 1
    ) AS candidate_index
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE t.relkind IN ('r', 'p')
  AND NOT t.relispartition
  AND NOT EXISTS (
      SELECT FROM pg_constraint AS con WHERE con.conrelid = t.oid AND con.contype = 'p'
  )
  AND n.nspname = ANY ($1::text[])
ORDER BY 1
