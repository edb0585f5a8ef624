-- lma indexes: since when this server has counted, for the current database: the last
-- statistics reset, else the server's start.
SELECT
    coalesce(d.stats_reset, pg_postmaster_start_time()) AS since,
    extract(epoch FROM now() - coalesce(d.stats_reset, pg_postmaster_start_time()))::float8
        AS age_seconds,
    pg_is_in_recovery() AS in_recovery
FROM pg_stat_database AS d
WHERE d.datname = current_database()
