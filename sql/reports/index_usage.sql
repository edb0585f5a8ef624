-- lma indexes: how often each index was scanned on this server, since its statistics were
-- reset. Run on the primary and on every replica; counters are per server, so lma sums them by
-- schema and index name. last_idx_scan exists from PostgreSQL 16 and is read only there.
SELECT
    s.schemaname AS schema,
    s.indexrelname AS index_name,
    s.idx_scan,
    s.idx_tup_read,
    s.idx_tup_fetch,
    CASE
        WHEN current_setting('server_version_num')::int >= 160000
            THEN (to_jsonb(s) ->> 'last_idx_scan')::timestamptz
    END AS last_idx_scan
FROM pg_stat_user_indexes AS s
