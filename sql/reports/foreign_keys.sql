-- lma indexes: the foreign keys of ordinary tables in the chosen schemas, with their columns in
-- constraint order. $1 text[]: the schemas, as schemas.sql resolved them.
-- A partitioned table's foreign key is checked on each partition, where PostgreSQL clones it.
SELECT
    con.conrelid AS table_oid,
    n.nspname AS schema,
    t.relname AS table_name,
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    con.conname AS constraint_name,
    con.conkey AS columns,
    ARRAY(
        SELECT quote_ident(a.attname)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ORDER BY k.position
    ) AS column_sql,
    format('%I.%I', rn.nspname, r.relname) AS referenced_table
FROM pg_constraint AS con
JOIN pg_class AS t ON t.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_class AS r ON r.oid = con.confrelid
JOIN pg_namespace AS rn ON rn.oid = r.relnamespace
WHERE con.contype = 'f'
  AND t.relkind = 'r'
  AND n.nspname = ANY ($1::text[])
ORDER BY n.nspname, t.relname, con.conname
