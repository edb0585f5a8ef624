-- lma queries: since when pg_stat_statements has counted (pg_stat_statements 1.9+, PostgreSQL
-- 14+), and how many statements it evicted to make room. {schema} is quoted by lma.
SELECT i.stats_reset, extract(epoch FROM now() - i.stats_reset)::float8 AS age_seconds, i.dealloc
FROM {schema}.pg_stat_statements_info AS i
