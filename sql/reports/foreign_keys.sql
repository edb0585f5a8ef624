-- lma indexes: the foreign keys of ordinary and partitioned tables in the chosen schemas, with
-- their columns in constraint order. $1 text[]: the schemas, as schemas.sql resolved them.
--
-- Only constraints users declared (conparentid = 0): PostgreSQL clones a partitioned table's
-- foreign key onto each partition, and a key referencing a partitioned table onto each of its
-- partitions; the clones are the same constraint and are judged with it.
--
-- lookup_types and lookup_query are the referential-integrity lookup PostgreSQL runs on the
-- referencing table when a referenced row is deleted or its key updated, as ri_triggers.c
-- writes it (seen with auto_explain, docs/indexes.md): `SELECT 1 FROM [ONLY] child x WHERE
-- $1 OPERATOR(pg_catalog.=) "fk" FOR KEY SHARE OF x`, the parameters typed as the referenced
-- columns, ONLY unless the referencing table is partitioned.
SELECT
    con.conrelid AS table_oid,
    -- The table and, when it is partitioned, every partition below it.
    ARRAY(
        SELECT con.conrelid
        UNION
        SELECT relid::oid FROM pg_partition_tree(con.conrelid)
    ) AS table_oids,
    t.relkind = 'p' AS is_partitioned,
    n.nspname AS schema,
    t.relname AS table_name,
    format('%I.%I', n.nspname, t.relname) AS table_sql,
    con.conname AS constraint_name,
    quote_ident(con.conname) AS constraint_sql,
    con.conkey AS columns,
    ARRAY(
        SELECT a.attname::text
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ORDER BY k.position
    ) AS column_names,
    ARRAY(
        SELECT quote_ident(a.attname)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ORDER BY k.position
    ) AS column_sql,
    format('%I.%I', rn.nspname, r.relname) AS referenced_table,
    con.confrelid AS referenced_oid,
    con.confkey AS referenced_columns,
    ARRAY(
        SELECT format_type(a.atttypid, a.atttypmod)
        FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
        ORDER BY k.position
    ) AS column_types,
    ARRAY(
        SELECT format_type(a.atttypid, a.atttypmod)
        FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
        ORDER BY k.position
    ) AS referenced_types,
    -- Per column pair: whether the referencing column cannot hold every value of the key, so
    -- that an INSERT or UPDATE referencing a larger or longer key fails: its (base) type is not
    -- the key's nor one the key's casts to implicitly (bigint to integer is an assignment cast),
    -- or its length or precision is less (varchar(64) against text). The other direction
    -- (bigint against an integer key, text against varchar) holds every key, and both RI
    -- lookups use their indexes without casting a column (docs/indexes.md).
    ARRAY(
        SELECT NOT (
            (fb.base = pb.base OR EXISTS (
                SELECT FROM pg_cast AS c
                WHERE c.castsource = pb.base AND c.casttarget = fb.base AND c.castcontext = 'i'
            ))
            AND (fb.typmod = -1 OR (pb.typmod <> -1 AND fb.typmod >= pb.typmod))
        )
        FROM unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(fkey, pkey, position)
        JOIN pg_attribute AS fa ON fa.attrelid = con.conrelid AND fa.attnum = k.fkey
        JOIN pg_attribute AS pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pkey
        CROSS JOIN LATERAL (
            SELECT coalesce(nullif(ty.typbasetype, 0), ty.oid) AS base,
                   CASE WHEN ty.typtype = 'd' THEN ty.typtypmod ELSE fa.atttypmod END AS typmod
            FROM pg_type AS ty WHERE ty.oid = fa.atttypid
        ) AS fb
        CROSS JOIN LATERAL (
            SELECT coalesce(nullif(ty.typbasetype, 0), ty.oid) AS base,
                   CASE WHEN ty.typtype = 'd' THEN ty.typtypmod ELSE pa.atttypmod END AS typmod
            FROM pg_type AS ty WHERE ty.oid = pa.atttypid
        ) AS pb
        ORDER BY k.position
    ) AS narrower,
    -- Per column pair: whether the lookup below casts the referencing column (the key's
    -- operator takes another type, and not by a binary-compatible relabelling as varchar to
    -- text): then no index on the column can serve it (integer against a numeric key).
    ARRAY(
        SELECT op.oprright <> fb.base AND NOT EXISTS (
            SELECT FROM pg_cast AS c
            WHERE c.castsource = fb.base AND c.casttarget = op.oprright AND c.castmethod = 'b'
        )
        FROM unnest(con.conkey, con.conpfeqop) WITH ORDINALITY AS k(fkey, eqop, position)
        JOIN pg_attribute AS fa ON fa.attrelid = con.conrelid AND fa.attnum = k.fkey
        JOIN pg_operator AS op ON op.oid = k.eqop
        CROSS JOIN LATERAL (
            SELECT coalesce(nullif(ty.typbasetype, 0), ty.oid) AS base
            FROM pg_type AS ty WHERE ty.oid = fa.atttypid
        ) AS fb
        ORDER BY k.position
    ) AS casting,
    (
        SELECT string_agg(format_type(pa.atttypid, pa.atttypmod), ', ' ORDER BY k.position)
        FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, position)
        JOIN pg_attribute AS pa ON pa.attrelid = con.confrelid AND pa.attnum = k.attnum
    ) AS lookup_types,
    format(
        'SELECT 1 FROM %s%I.%I x WHERE %s FOR KEY SHARE OF x',
        CASE WHEN t.relkind = 'p' THEN '' ELSE 'ONLY ' END,
        n.nspname,
        t.relname,
        (
            SELECT string_agg(
                format(
                    '$%s%s OPERATOR(%I.%s) %I%s',
                    k.position,
                    -- ri_GenerateQual casts an operand whose type is not the operator's.
                    CASE WHEN op.oprleft <> pa.atttypid
                         THEN '::' || format_type(op.oprleft, NULL) ELSE '' END,
                    opn.nspname,
                    op.oprname,
                    fa.attname,
                    CASE WHEN op.oprright <> fa.atttypid
                         THEN '::' || format_type(op.oprright, NULL) ELSE '' END
                ),
                ' AND ' ORDER BY k.position
            )
            FROM unnest(con.conkey, con.confkey, con.conpfeqop)
                WITH ORDINALITY AS k(fkey, pkey, eqop, position)
            JOIN pg_attribute AS fa ON fa.attrelid = con.conrelid AND fa.attnum = k.fkey
            JOIN pg_attribute AS pa ON pa.attrelid = con.confrelid AND pa.attnum = k.pkey
            JOIN pg_operator AS op ON op.oid = k.eqop
            JOIN pg_namespace AS opn ON opn.oid = op.oprnamespace
        )
    ) AS lookup_query,
    -- What the key does besides checking: its actions, MATCH rule, deferral and validation.
    -- Two keys on the same columns that differ here are not duplicates: dropping either changes
    -- what a delete does, or keeps the unvalidated one.
    -- confdelsetcols (ON DELETE SET NULL (col)) is new in PostgreSQL 15: read through jsonb,
    -- so that older servers give NULL instead of an error.
    concat_ws(' ', con.confupdtype, con.confdeltype, con.confmatchtype, con.condeferrable,
              con.condeferred, con.convalidated, to_jsonb(con) ->> 'confdelsetcols') AS behaviour,
    pg_get_constraintdef(con.oid) AS definition
FROM pg_constraint AS con
JOIN pg_class AS t ON t.oid = con.conrelid
JOIN pg_namespace AS n ON n.oid = t.relnamespace
JOIN pg_class AS r ON r.oid = con.confrelid
JOIN pg_namespace AS rn ON rn.oid = r.relnamespace
WHERE con.contype = 'f'
  AND con.conparentid = 0
  AND t.relkind IN ('r', 'p')
  AND n.nspname = ANY ($1::text[])
ORDER BY n.nspname, t.relname, con.conname
