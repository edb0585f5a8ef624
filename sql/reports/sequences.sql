-- lma indexes: each sequence that feeds a column (identity, or serial: owned by it), with how much
-- of its range is used. $1 text[]: the schemas, as schemas.sql resolved them.
-- The range is the narrower of the sequence's own maximum and the column type's: a bigint
-- column fed by an `AS integer` sequence fails at the sequence's end, an integer column fed by
-- a bigint sequence at the type's. last_value is null until the first nextval (and for a role
-- without USAGE or SELECT on the sequence): then nothing is used.
SELECT
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    format('%I.%I', sn.nspname, s.relname) AS sequence_sql,
    quote_ident(a.attname) AS column_sql,
    format_type(a.atttypid, a.atttypmod) AS column_type,
    ps.data_type::text AS sequence_type,
    d.deptype = 'i' AS is_identity,
    coalesce(ps.last_value, 0)::float8 AS last_value,
    least(
        ps.max_value,
        CASE a.atttypid
            WHEN 'int2'::regtype THEN 32767
            WHEN 'int4'::regtype THEN 2147483647
            ELSE 9223372036854775807
        END
    )::float8 AS max_value,
    a.atttypid IN ('int2'::regtype, 'int4'::regtype) AS narrow_column,
    -- What makes PostgreSQL refuse `ALTER COLUMN … TYPE bigint` on this column, so that no
    -- statement is suggested that would fail as printed.
    ARRAY(
        SELECT blocker FROM (
            SELECT DISTINCT format('the view %s reads it', v.oid::regclass) AS blocker
            FROM pg_depend AS dv
            JOIN pg_rewrite AS r ON r.oid = dv.objid
            JOIN pg_class AS v ON v.oid = r.ev_class
            WHERE dv.classid = 'pg_rewrite'::regclass AND dv.refclassid = 'pg_class'::regclass
              AND dv.refobjid = t.oid AND dv.refobjsubid = a.attnum AND v.oid <> t.oid
            UNION ALL
            -- Generated columns, policies and triggers (UPDATE OF, WHEN) that use the column,
            -- as pg_depend records them.
            SELECT DISTINCT CASE dc.classid
                       WHEN 'pg_attrdef'::regclass THEN 'a generated column uses it'
                       WHEN 'pg_policy'::regclass THEN 'a policy uses it'
                       ELSE 'a trigger uses it' END
            FROM pg_depend AS dc
            WHERE dc.classid IN ('pg_attrdef'::regclass, 'pg_policy'::regclass,
                                 'pg_trigger'::regclass)
              AND dc.refclassid = 'pg_class'::regclass AND dc.refobjid = t.oid
              AND dc.refobjsubid = a.attnum AND dc.deptype = 'n'
              AND (dc.classid <> 'pg_attrdef'::regclass
                   OR EXISTS (SELECT FROM pg_attrdef AS ad JOIN pg_attribute AS ga
                                ON ga.attrelid = ad.adrelid AND ga.attnum = ad.adnum
                              WHERE ad.oid = dc.objid AND ga.attgenerated <> ''))
            UNION ALL
            -- A key column, or a column named in a key expression (which pg_depend does not
            -- record per column; a name match errs on the side of printing no statement).
            SELECT 'it is part of the partition key'
            FROM pg_partitioned_table AS p
            WHERE p.partrelid = t.oid
              AND (a.attnum = ANY (p.partattrs::int2[])
                   OR pg_get_expr(p.partexprs, p.partrelid) ~ ('\m' || a.attname || '\M'))
            UNION ALL
            SELECT 'it is inherited from a parent table' WHERE a.attinhcount > 0
        ) AS b
        ORDER BY 1
    ) AS blockers
FROM pg_depend AS d
JOIN pg_class AS s ON s.oid = d.objid AND s.relkind = 'S'
JOIN pg_namespace AS sn ON sn.oid = s.relnamespace
JOIN pg_sequences AS ps ON ps.schemaname = sn.nspname AND ps.sequencename = s.relname
JOIN pg_class AS t ON t.oid = d.refobjid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
WHERE d.classid = 'pg_class'::regclass
  AND d.refclassid = 'pg_class'::regclass
  AND d.deptype IN ('a', 'i')
  AND ps.increment_by > 0
  AND n.nspname = ANY ($1::text[])
ORDER BY 1, 3
