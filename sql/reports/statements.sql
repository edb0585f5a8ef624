-- lma queries: the statements of the current database that pg_stat_statements tracks, with
-- each one's share of the database's execution time, then those whose mean is at least $1 ms,
-- by total time, at most $2 of them. {schema} is the extension's schema, quoted by lma.
WITH tracked AS (
    SELECT
        s.queryid,
        s.userid::regrole::text AS role,
        s.calls,
        s.mean_exec_time,
        s.stddev_exec_time,
        s.max_exec_time,
        s.total_exec_time,
        s.total_exec_time / nullif(sum(s.total_exec_time) OVER (), 0) AS share,
        s.rows::float8 / s.calls AS rows_per_call,
        s.shared_blks_hit::float8 / s.calls AS hit_per_call,
        s.shared_blks_read::float8 / s.calls AS read_per_call,
        s.temp_blks_read + s.temp_blks_written AS temp_blocks,
        s.query
    FROM {schema}.pg_stat_statements AS s
    WHERE s.dbid = (SELECT d.oid FROM pg_database AS d WHERE d.datname = current_database())
      AND s.calls > 0
)
SELECT *, count(*) OVER () AS above
FROM tracked
WHERE mean_exec_time >= $1
ORDER BY total_exec_time DESC, queryid
LIMIT $2
