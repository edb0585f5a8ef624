-- lma queries: how many statements of the current database pg_stat_statements tracks.
-- {schema} is the extension's schema, quoted by lma.
SELECT count(*)
FROM {schema}.pg_stat_statements AS s
WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
  AND s.calls > 0
