-- lma indexes: per table, the index count and sizes, the row estimate and the sequential-scan
-- counters. $1 text[]: the schemas, as schemas.sql resolved them.
SELECT
    n.nspname AS schema,
    t.relname AS table_name,
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    -- reltuples is -1 until the first VACUUM or ANALYZE; the live-tuple counter fills in.
    greatest(t.reltuples::bigint, coalesce(s.n_live_tup, 0)) AS row_estimate,
    pg_table_size(t.oid) AS table_bytes,
    pg_indexes_size(t.oid) AS index_bytes,
    (SELECT count(*) FROM pg_index AS i WHERE i.indrelid = t.oid) AS index_count,
    coalesce(s.seq_scan, 0) AS seq_scan,
    coalesce(s.seq_tup_read, 0) AS seq_tup_read,
    coalesce(s.idx_scan, 0) AS idx_scan,
    coalesce(s.idx_tup_fetch, 0) AS idx_tup_fetch
FROM pg_class AS t
JOIN pg_namespace AS n ON n.oid = t.relnamespace
LEFT JOIN pg_stat_user_tables AS s ON s.relid = t.oid
WHERE t.relkind IN ('r', 'm')
  AND n.nspname = ANY ($1::text[])
ORDER BY n.nspname, t.relname
