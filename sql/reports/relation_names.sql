-- lma indexes: every relation name (tables, indexes, sequences, views, …) of the chosen
-- schemas, which the name of an index a fix creates must differ from. $1 text[]: the schemas.
SELECT n.nspname AS schema, c.relname AS name
FROM pg_class AS c
JOIN pg_namespace AS n ON n.oid = c.relnamespace
WHERE n.nspname = ANY ($1::text[])
