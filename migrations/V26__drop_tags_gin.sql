-- lma:no-transaction
-- squawk-ignore-file ban-concurrent-index-creation-in-transaction
--   (.squawk.toml assumes every file runs in a transaction, as refinery runs
--   them; lma runs this one outside any, because of the marker above.)
-- V26: the tag search reads V25's lead_tags, so the GIN index on
-- (organization_id, tags jsonb_path_ops) serves no query any more (`lma
-- check` coverage), and every lead write paid for it. CONCURRENTLY, outside a
-- transaction, like V14: no lock that stops the application.
DROP INDEX CONCURRENTLY IF EXISTS idx_leads_tags_gin;
