-- lma indexes: CHECK and foreign-key constraints added NOT VALID and never validated: they hold
-- for new rows only, and the planner cannot rely on them. $1 text[]: the schemas.
-- Only declared constraints (conparentid = 0): a partitioned table's are validated with it.
SELECT
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    con.conname AS constraint_name,
    quote_ident(con.conname) AS constraint_sql,
    con.contype::text AS kind
FROM pg_constraint AS con
JOIN pg_class AS t ON t.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
WHERE NOT con.convalidated
  AND con.contype IN ('c', 'f')
  AND con.conparentid = 0
  AND n.nspname = ANY ($1::text[])
ORDER BY 1, 2
