-- lma indexes: an ESTIMATE of each valid B-tree index's bloat, from the planner statistics.
-- $1 oid[]: the indexes to estimate.
--
-- The approach is the well-known one of ioguix's pgsql-bloat-estimation: from the index's row
-- count (reltuples) and the average width and null fraction of its columns (pg_stats), work out
-- how many leaf pages a freshly built index would fill at its fillfactor, and compare that with
-- the pages it has (relpages, as of the last VACUUM or ANALYZE). Its limits, in docs/indexes.md:
-- it needs ANALYZEd columns (indexes with a column lacking statistics are left out), it ignores
-- internal pages and B-tree deduplication (which make a healthy index look smaller than its
-- estimate, so bloat is understated, never invented), and `name` columns have misleading widths.
WITH columns AS (
    SELECT
        i.indexrelid,
        coalesce(s.null_frac, 0) AS null_frac,
        s.avg_width,
        a.atttypid
    FROM pg_index AS i
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_namespace AS n ON n.oid = t.relnamespace
    CROSS JOIN LATERAL generate_series(1, i.indnatts::int) AS k(position)
    -- The index's own attribute k names an expression column's statistics.
    JOIN pg_attribute AS a ON a.attrelid = i.indexrelid AND a.attnum = k.position
    LEFT JOIN pg_attribute AS ta
        ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[k.position - 1]
    -- A plain column's statistics are the table's; an expression's are the index's own.
    LEFT JOIN pg_stats AS s
        ON s.schemaname = n.nspname
       AND s.tablename = CASE WHEN ta.attnum IS NULL
                              THEN (SELECT relname FROM pg_class WHERE oid = i.indexrelid)
                              ELSE t.relname END
       AND s.attname = coalesce(ta.attname, a.attname)
    WHERE i.indexrelid = ANY ($1::oid[])
),
widths AS (
    SELECT
        indexrelid,
        max(null_frac) > 0 AS nullable,
        sum((1 - null_frac) * avg_width) AS data_width
    FROM columns
    GROUP BY indexrelid
    HAVING bool_and(avg_width IS NOT NULL)
       AND NOT bool_or(atttypid = 'pg_catalog.name'::regtype)
),
shapes AS (
    SELECT
        c.oid AS index_oid,
        c.relpages::bigint AS pages,
        c.reltuples,
        current_setting('block_size')::int AS block_size,
        coalesce((
            SELECT o.option_value::int
            FROM pg_options_to_table(c.reloptions) AS o
            WHERE o.option_name = 'fillfactor'
        ), 90) AS fillfactor,
        -- IndexTupleData is 8 bytes; a null bitmap adds 4, and both are MAXALIGNed (8 on the
        -- 64-bit servers this assumes). Each tuple also takes a 4-byte line pointer.
        CASE WHEN w.nullable THEN 16 ELSE 8 END + ceil(w.data_width / 8) * 8 + 4 AS tuple_bytes
    FROM widths AS w
    JOIN pg_class AS c ON c.oid = w.indexrelid
    JOIN pg_am AS am ON am.oid = c.relam
    WHERE am.amname = 'btree' AND c.relpages > 0 AND c.reltuples >= 0
),
estimates AS (
    SELECT
        index_oid,
        pages,
        block_size,
        -- The metapage, plus leaf pages of (block - page header 24 - B-tree special 16) bytes
        -- filled to the fillfactor.
        1 + ceil(reltuples / greatest(1, floor(
            (block_size - 24 - 16) * fillfactor / 100.0 / tuple_bytes
        )))::bigint AS expected_pages
    FROM shapes
)
SELECT
    index_oid,
    pages * block_size AS actual_bytes,
    expected_pages * block_size AS expected_bytes,
    greatest(pages - expected_pages, 0) * block_size AS bloat_bytes,
    greatest(pages - expected_pages, 0)::float8 / pages AS bloat_ratio
FROM estimates
ORDER BY index_oid
