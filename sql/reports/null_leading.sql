-- lma indexes: non-partial B-tree indexes whose leading key is a nullable plain column, with
-- that column's null fraction from pg_stats (so only ANALYZEd columns). A B-tree stores NULLs
-- like any key; when most rows are NULL and no query looks for them, an index WHERE col IS NOT
-- NULL is that much smaller. $1 text[]: the schemas.
SELECT
    i.indexrelid AS index_oid,
    quote_ident(a.attname) AS column_sql,
    s.null_frac::float8 AS null_frac
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_am AS am ON am.oid = c.relam
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_attribute AS a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]
JOIN pg_stats AS s
    ON s.schemaname = n.nspname AND s.tablename = t.relname AND s.attname = a.attname
WHERE am.amname = 'btree'
  AND i.indpred IS NULL
  AND i.indkey[0] <> 0
  AND NOT a.attnotnull
  AND NOT s.inherited
  AND n.nspname = ANY ($1::text[])
ORDER BY 1
