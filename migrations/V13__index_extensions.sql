-- V13: the extensions the optimization-round indexes (V14) need.
--
-- Why: pg_trgm gives gin_trgm_ops for the lead search by name, company or
-- e-mail (ILIKE '%term%'), which no B-tree can serve; btree_gin gives GIN
-- operator classes for plain scalars, so organization_id can be the first
-- column of the GIN indexes on jsonb and trigrams and a tenant's search does
-- not have to visit every tenant's matches. Extensions are per database, so
-- IF NOT EXISTS is only a guard against a DBA having installed them already;
-- it is safe when many databases of one cluster migrate concurrently.
-- Kept apart from V14 because V14 must contain nothing but index statements
-- (it becomes a CREATE INDEX CONCURRENTLY, no-transaction migration later).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
