-- lma indexes: one row per index of an ordinary, partitioned or materialized table in the chosen
-- schemas. $1 text[]: the schemas, as schemas.sql resolved them.
-- A partitioned table's index (relkind 'I') has no storage of its own: its size is its
-- partitions' indexes together, and parent_index_oid ties each partition's index to it.
-- The pg_index arrays are cast to plain arrays because the driver does not read int2vector or
-- oidvector. Expressions and predicates are deparsed, because their stored node trees carry
-- the character positions of the statement that created them, which would make two identical
-- expressions compare unequal.
SELECT
    i.indexrelid AS index_oid,
    i.indrelid AS table_oid,
    n.nspname AS schema,
    t.relname AS table_name,
    c.relname AS index_name,
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    format('%I.%I', n.nspname, c.relname) AS index_sql,
    am.amname AS access_method,
    i.indnkeyatts::int AS key_count,
    i.indkey::int2[] AS columns,
    -- The key columns' names (null for an expression): partitions may number columns apart.
    ARRAY(
        SELECT a.attname::text
        FROM generate_series(1, i.indnkeyatts::int) AS k
        LEFT JOIN pg_attribute AS a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1]
        ORDER BY k
    ) AS key_names,
    i.indclass::oid[] AS opclasses,
    i.indcollation::oid[] AS collations,
    i.indoption::int2[] AS options,
    pg_get_expr(i.indexprs, i.indrelid) AS expressions,
    pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
    ARRAY(
        SELECT pg_get_indexdef(i.indexrelid, k, true)
            || CASE WHEN i.indoption[k - 1] & 1 = 1 THEN ' DESC' ELSE '' END
            || CASE
                   WHEN i.indoption[k - 1] & 3 = 2 THEN ' NULLS FIRST'
                   WHEN i.indoption[k - 1] & 3 = 1 THEN ' NULLS LAST'
                   ELSE ''
               END
        FROM generate_series(1, i.indnkeyatts::int) AS k
        ORDER BY k
    ) AS key_columns,
    ARRAY(
        SELECT pg_get_indexdef(i.indexrelid, k, true)
        FROM generate_series(i.indnkeyatts::int + 1, i.indnatts::int) AS k
        ORDER BY k
    ) AS include_columns,
    i.indisprimary AS is_primary,
    i.indisunique AS is_unique,
    i.indimmediate AS is_immediate,
    -- indnullsnotdistinct exists from PostgreSQL 15; through jsonb older servers read false.
    coalesce((to_jsonb(i) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct,
    i.indisreplident AS is_replica_identity,
    i.indisvalid AS is_valid,
    EXISTS (
        SELECT FROM pg_stat_progress_create_index AS p
        WHERE p.relid = i.indrelid AND p.index_relid IN (i.indexrelid, 0)
    ) AS is_building,
    (
        SELECT con.conname
        FROM pg_constraint AS con
        WHERE con.conindid = i.indexrelid
          AND con.conrelid = i.indrelid
          AND con.contype IN ('p', 'u', 'x')
        ORDER BY con.conname
        LIMIT 1
    ) AS constraint_name,
    c.relkind = 'I' AS is_partitioned,
    (SELECT inh.inhparent FROM pg_inherits AS inh WHERE inh.inhrelid = i.indexrelid)
        AS parent_index_oid,
    CASE
        WHEN c.relkind = 'I' THEN (
            SELECT coalesce(sum(pg_relation_size(p.relid)), 0)::bigint
            FROM pg_partition_tree(i.indexrelid) AS p
        )
        ELSE pg_relation_size(i.indexrelid)
    END AS size_bytes
FROM pg_index AS i
JOIN pg_class AS c ON c.oid = i.indexrelid
JOIN pg_class AS t ON t.oid = i.indrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_am AS am ON am.oid = c.relam
WHERE c.relkind IN ('i', 'I')
  AND t.relkind IN ('r', 'm', 'p')
  AND n.nspname = ANY ($1::text[])
ORDER BY n.nspname, t.relname, c.relname
