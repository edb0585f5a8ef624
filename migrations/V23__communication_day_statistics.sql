-- V23: statistics on the UTC day of a communication, for the activity
-- dashboard (sql/checks/communication_activity.sql).
--
-- "Communications per day over the last 30 days" groups by the day. The
-- planner keeps no statistics on an expression unless told to, so it guessed
-- one group per input row: 3,050 groups for 30 at 20K leads, a 100-200x
-- misestimate that `lma check` flags, and at 1M leads one that would steer a
-- join above it towards a hash of thousands. Expression statistics (PG 14+)
-- give it the number of distinct days.
--
-- The expression must be immutable, and date_trunc('day', timestamptz)
-- depends on the session's TimeZone, so the day is the UTC day (as in V21's
-- organization_daily_stats): date_trunc on the UTC timestamp. The query groups
-- by exactly this expression, or the statistics do not apply.
--
-- Departure from seed 000, whose activity query grouped by
-- date_trunc('day', created_at) in the session's time zone: a dashboard whose
-- buckets move with the client's TimeZone setting is not reproducible, and it
-- cannot have statistics.
--
-- CREATE STATISTICS takes a SHARE UPDATE EXCLUSIVE lock: it does not block
-- reads or writes. It collects nothing until the next ANALYZE, which this
-- runs: a sample of at most 300 x default_statistics_target rows, about a
-- second at 1M leads.
CREATE STATISTICS IF NOT EXISTS st_communications_utc_day
    ON (date_trunc('day', created_at AT TIME ZONE 'UTC'))
    FROM communications;

COMMENT ON STATISTICS st_communications_utc_day IS
    'Distinct UTC days of communications.created_at, for the per-day activity '
    'dashboard (communication_activity); see V23.';

ANALYZE communications;
