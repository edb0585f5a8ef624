-- V27: the summary functions (V21, V23, V25) run only as triggers run them.
--
-- They are SECURITY DEFINER, so they write as the owner, and PostgreSQL lets
-- PUBLIC execute a new function: lma_app could call summarize_leads() or
-- summarize_communication_days() with forged facts for any tenant, or
-- refresh_summaries() to lock every summary for seconds. And their
-- `SET search_path FROM CURRENT` left pg_temp first for tables, so a caller's
-- temporary table named leads or organizations would have been read in place
-- of the real one. Found in review; departure from V21's claim that the
-- application "cannot write them", which this makes true.
--
-- Triggers do not check EXECUTE: the trigger functions still fire for every
-- writer, and call the summarize_* functions as the owner. Only a direct call
-- is refused (tests/it/schema/summaries.rs). `lma seed` runs as the owner.
DO $do$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN
        SELECT p.oid::regprocedure FROM pg_proc AS p
        WHERE p.pronamespace = current_schema()::regnamespace AND p.prosecdef
        ORDER BY 1
    LOOP
        EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('ALTER FUNCTION %s SET search_path = %I, pg_temp', f, current_schema());
    END LOOP;
END
$do$;
