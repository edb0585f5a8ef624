-- lma indexes: the schemas to report on. $1 text[]: the schemas asked for with --schema, each
-- with whether it exists; when none were asked for, every schema but the system ones.
SELECT asked.name, EXISTS (SELECT FROM pg_namespace WHERE nspname = asked.name) AS present
FROM unnest($1::text[]) AS asked(name)
UNION ALL
SELECT nspname, true
FROM pg_namespace
WHERE cardinality($1::text[]) = 0
  AND nspname NOT IN ('pg_catalog', 'information_schema')
  AND nspname !~ '^pg_(toast|temp_)'
ORDER BY 1
