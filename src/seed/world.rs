//! The world model shared by every table's generator: which tenant each lead belongs to, when
//! it was created and who it is assigned to, and each tenant's id ranges in the small tables.
//!
//! Built once, before loading, from its own random streams, so children can refer to their
//! parents' rows without reading them back and every table's content is independent of the
//! order in which the tables load.
//!
//! Time: every timestamp is relative to one anchor date (`--anchor`), whose UTC midnight ends the
//! generated history; the [`Clock`] derives the rest from it. History spans the two years
//! before the anchor, and scheduled communications the half year after it.
//!
//! The anchor is today's UTC date by default because the application's queries look at time
//! windows ending now (`created_at >= now() - interval '30 days'`, last logins, upcoming
//! communications): on history that ended months ago they find no rows, and a plan measured on
//! an empty window says nothing about production. It is a flag because "today" changes daily:
//! the same `--seed` and the same `--anchor` give the same bytes on any day, so a benchmark
//! that names its anchor can be repeated exactly.

use rand::RngExt as _;
use time::{Date, OffsetDateTime};

use super::fakes;
use super::plan::Plan;
use super::rng::{self, SeedRng};

/// Microseconds in a day.
pub const DAY: i64 = 86_400_000_000;

/// The days of generated history before the anchor: two years.
pub const HISTORY_DAYS: i64 = 730;

/// The days after the anchor in which scheduled communications lie.
pub const SCHEDULED_DAYS: i64 = 180;

/// The instants the data is placed around, in microseconds since PostgreSQL's epoch
/// (2000-01-01), all derived from the anchor date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The end of the generated history: UTC midnight of the anchor date.
    pub anchor: i64,
    /// The start of the history, [`HISTORY_DAYS`] before the anchor.
    pub start: i64,
    /// Where scheduled communications begin: a day after the anchor, so that with today's
    /// anchor they are all still ahead of `now()` ("upcoming": `scheduled_at >= now()`).
    pub future: i64,
}

impl Clock {
    /// The clock of the history that ends at UTC midnight of `anchor`.
    #[must_use]
    pub fn new(anchor: Date) -> Self {
        let day = days_from_civil(
            i64::from(anchor.year()),
            i64::from(u8::from(anchor.month())),
            i64::from(anchor.day()),
        );
        let anchor = day * DAY;
        Self {
            anchor,
            start: anchor - HISTORY_DAYS * DAY,
            future: anchor + DAY,
        }
    }
}

/// Today's date in UTC: the default anchor.
#[must_use]
pub fn today() -> Date {
    OffsetDateTime::now_utc().date()
}

/// Parses an anchor date, `YYYY-MM-DD` (ISO 8601's calendar date), from 1900-01-01 on: the
/// history reaches four years before it, and JSON dates are written with four-digit years.
///
/// # Errors
/// A one-line message for the command line when `text` is not such a date.
pub fn parse_date(text: &str) -> Result<Date, String> {
    let date = Date::parse(text, ISO_DATE)
        .map_err(|err| format!("not a calendar date as YYYY-MM-DD ({err})"))?;
    if date.year() < 1900 {
        return Err(format!("{text} is before 1900-01-01"));
    }
    Ok(date)
}

/// `YYYY-MM-DD`, with exactly four year digits and no sign.
const ISO_DATE: &[time::format_description::BorrowedFormatItem<'_>] =
    time::macros::format_description!("[year repr:full sign:automatic]-[month]-[day]");

/// Days since 2000-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
#[must_use]
pub const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 - 10_957
}

/// The (year, month, day) of a day number since 2000-01-01 (the inverse of
/// [`days_from_civil`]).
#[must_use]
pub const fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 10_957 + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year, month, day)
}

/// An ISO date ("2025-03-14") of a timestamp.
#[must_use]
pub fn iso_date(micros: i64) -> String {
    let (y, m, d) = civil_from_days(micros.div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The first id of each tenant's rows in one table; the tenant owns `first .. first + count`.
#[derive(Debug, Clone, Copy)]
pub struct Range {
    pub first: u32,
    pub count: u32,
}

impl Range {
    /// The id at `offset` within the range.
    #[must_use]
    pub fn id(self, offset: u32) -> i32 {
        (self.first + offset) as i32
    }
}

/// One tenant's ids in the small tables.
#[derive(Debug, Clone)]
pub struct TenantIds {
    pub users: Range,
    pub campaigns: Range,
    pub workflows: Range,
    pub scoring_rules: Range,
    pub custom_fields: Range,
    pub integrations: Range,
    /// The tenant's leads, ascending.
    pub leads: Vec<u32>,
}

/// Everything the generators share.
#[derive(Debug)]
pub struct World {
    pub seed: u64,
    /// Where the history ends and the scheduled communications begin.
    pub clock: Clock,
    pub plan: Plan,
    pub tenants: Vec<TenantIds>,
    /// Per tenant: the organization's name and e-mail domain (users' addresses use it).
    pub org_names: Vec<(String, String)>,
    /// Per lead (index = id - 1): its tenant's index.
    pub lead_tenant: Vec<u32>,
    /// Per lead: created_at.
    pub lead_created: Vec<i64>,
    /// Per lead: the assigned user's id, 0 when unassigned.
    pub lead_assignee: Vec<u32>,
}

/// The share of leads that are unassigned (the assignment queue).
pub const UNASSIGNED_PERCENT: u32 = 20;

impl World {
    /// Builds the world of `plan` under `seed`, its history ending at `clock.anchor`.
    #[must_use]
    pub fn new(plan: Plan, seed: u64, clock: Clock) -> Self {
        let mut tenants = id_ranges(&plan);
        let lead_tenant = shuffled_tenants(&plan, &mut rng::stream(seed, "world.lead_tenant"));
        for (index, &tenant) in lead_tenant.iter().enumerate() {
            tenants[tenant as usize].leads.push(index as u32 + 1);
        }
        let created = &mut rng::stream(seed, "world.created");
        let lead_created = creation_times(plan.leads, clock, created);
        let mut names = rng::stream(seed, "world.org_names");
        let org_names = (0..plan.tenants.len())
            .map(|_| {
                let name = fakes::company(&mut names);
                let domain = fakes::domain(&mut names, &name);
                (name, domain)
            })
            .collect();
        let mut assign = rng::stream(seed, "world.assignee");
        let lead_assignee = lead_tenant
            .iter()
            .map(|&t| assignee(&mut assign, tenants[t as usize].users))
            .collect();
        Self {
            seed,
            clock,
            plan,
            tenants,
            org_names,
            lead_tenant,
            lead_created,
            lead_assignee,
        }
    }

    /// The generator of `table` (or any named stream) under this world's seed.
    #[must_use]
    pub fn rng(&self, name: &str) -> SeedRng {
        rng::stream(self.seed, name)
    }

    /// A table's rows, tenant by tenant, all drawn from the table's own random stream in one
    /// fixed order: `make(rng, tenant index, tenant, offset, id)` for each offset of the
    /// tenant's id range (`range` picks it).
    pub fn per_tenant<'w, R: Send + 'w>(
        &'w self,
        table: &str,
        range: impl Fn(&TenantIds) -> Range + Send + 'w,
        mut make: impl FnMut(&mut SeedRng, usize, &TenantIds, u32, i32) -> R + Send + 'w,
    ) -> impl Iterator<Item = R> + Send + 'w {
        let mut rng = self.rng(table);
        self.tenants
            .iter()
            .enumerate()
            .flat_map(move |(index, tenant)| {
                let range = range(tenant);
                // Collected per tenant: the closure cannot lend `rng` to a lazy inner iterator.
                let rows: Vec<R> = (0..range.count)
                    .map(|offset| make(&mut rng, index, tenant, offset, range.id(offset)))
                    .collect();
                rows
            })
    }

    /// The tenant of a lead id.
    #[must_use]
    pub fn tenant_of(&self, lead: u32) -> &TenantIds {
        &self.tenants[self.lead_tenant[lead as usize - 1] as usize]
    }

    /// The organization id of a lead.
    #[must_use]
    pub fn org_of(&self, lead: u32) -> i32 {
        self.lead_tenant[lead as usize - 1] as i32 + 1
    }

    /// A skewed pick of a lead id: some leads get many child rows, most get few or none.
    pub fn skewed_lead(&self, rng: &mut SeedRng) -> u32 {
        rng::skewed(rng, self.lead_tenant.len()) as u32 + 1
    }

    /// Who acts on a lead: usually its assignee, else another user of the tenant, sometimes
    /// nobody (the system). 0 means none.
    pub fn actor(&self, rng: &mut SeedRng, lead: u32) -> u32 {
        let assignee = self.lead_assignee[lead as usize - 1];
        match rng.random_range(0..100) {
            0..70 if assignee != 0 => assignee,
            0..95 => random_user(rng, self.tenant_of(lead).users),
            _ => 0,
        }
    }

    /// A time after the lead was created and before the anchor.
    pub fn after_created(&self, rng: &mut SeedRng, lead: u32) -> i64 {
        let created = self.lead_created[lead as usize - 1];
        rng.random_range(created..=self.clock.anchor)
    }
}

fn id_ranges(plan: &Plan) -> Vec<TenantIds> {
    let mut next = [1u32; 6];
    plan.tenants
        .iter()
        .map(|tenant| {
            let counts = [
                tenant.users,
                tenant.campaigns,
                tenant.workflows,
                tenant.scoring_rules,
                tenant.custom_fields,
                tenant.integrations,
            ];
            let ranges: Vec<Range> = counts
                .iter()
                .zip(next.iter_mut())
                .map(|(&count, first)| {
                    let range = Range {
                        first: *first,
                        count,
                    };
                    *first += count;
                    range
                })
                .collect();
            TenantIds {
                users: ranges[0],
                campaigns: ranges[1],
                workflows: ranges[2],
                scoring_rules: ranges[3],
                custom_fields: ranges[4],
                integrations: ranges[5],
                leads: Vec::with_capacity(tenant.leads as usize),
            }
        })
        .collect()
}

/// Each tenant index repeated by its lead count, shuffled: tenants interleave over the lead
/// ids (and so over time), as in a real multi-tenant table.
fn shuffled_tenants(plan: &Plan, rng: &mut SeedRng) -> Vec<u32> {
    let mut tenants: Vec<u32> = Vec::with_capacity(plan.leads as usize);
    for (index, tenant) in plan.tenants.iter().enumerate() {
        tenants.extend(std::iter::repeat_n(index as u32, tenant.leads as usize));
    }
    for i in (1..tenants.len()).rev() {
        let j = rng.random_range(0..=i);
        tenants.swap(i, j);
    }
    tenants
}

/// Creation times rising with the id and growing in volume (more leads recently), with an
/// hour of jitter, within the two years before the anchor.
fn creation_times(leads: u32, clock: Clock, rng: &mut SeedRng) -> Vec<i64> {
    let span = (clock.anchor - clock.start - DAY) as f64;
    (0..leads)
        .map(|i| {
            let fraction = (f64::from(i) + 0.5) / f64::from(leads);
            let jitter = rng.random_range(0..3_600_000_000);
            clock.start + (span * fraction.sqrt()) as i64 + jitter
        })
        .collect()
}

fn assignee(rng: &mut SeedRng, users: Range) -> u32 {
    if rng::chance(rng, UNASSIGNED_PERCENT) {
        0
    } else {
        // Top performers carry more leads.
        users.first + rng::front_skewed(rng, users.count as usize) as u32
    }
}

fn random_user(rng: &mut SeedRng, users: Range) -> u32 {
    users.first + rng::below(rng, users.count as usize) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Month;

    fn clock(anchor: &str) -> Clock {
        Clock::new(parse_date(anchor).unwrap())
    }

    #[test]
    fn civil_dates_count_days_from_the_postgres_epoch() {
        assert_eq!(days_from_civil(2000, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 60);
        assert_eq!(days_from_civil(2024, 1, 1), 8_766);
        assert_eq!(days_from_civil(2026, 1, 1), 9_497);
        assert_eq!(civil_from_days(9_497), (2026, 1, 1));
        assert_eq!(civil_from_days(59), (2000, 2, 29));
        assert_eq!(iso_date(9_497 * DAY - 1), "2025-12-31");
    }

    #[test]
    fn the_clock_ends_the_history_at_the_anchor_s_utc_midnight() {
        let clock = clock("2026-11-22");
        assert_eq!(clock.anchor, days_from_civil(2026, 11, 22) * DAY);
        assert_eq!(clock.start, clock.anchor - 730 * DAY);
        assert_eq!(iso_date(clock.start), "2024-11-22");
        assert_eq!(iso_date(clock.future), "2026-11-23");
    }

    #[test]
    fn with_today_as_the_anchor_the_history_is_past_and_the_schedule_ahead() {
        let now = OffsetDateTime::now_utc();
        let clock = Clock::new(now.date());
        // Microseconds since 2000-01-01, as PostgreSQL's now() would be stored.
        let micros = (now.unix_timestamp_nanos() / 1_000) as i64 - 946_684_800_000_000;
        assert!(clock.anchor <= micros, "the history ends before now");
        assert!(
            micros < clock.future,
            "scheduled communications are upcoming"
        );
    }

    #[test]
    fn anchors_are_calendar_dates_written_yyyy_mm_dd() {
        let date = Date::from_calendar_date(2024, Month::February, 29).unwrap();
        assert_eq!(parse_date("2024-02-29"), Ok(date));
        for bad in [
            "",
            "2026-1-01",
            "2026/01/01",
            "+026-01-01",
            "2026-01-01T00:00:00Z",
            "2026-13-01",
            "2025-02-29",
            "1899-12-31",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?} was accepted");
        }
        let message = parse_date("2025-02-29").unwrap_err();
        assert_eq!(
            message,
            "not a calendar date as YYYY-MM-DD (day was not in range)"
        );
    }

    #[test]
    fn every_lead_has_a_tenant_and_tenants_get_their_planned_leads() {
        let clock = clock("2026-01-01");
        let world = World::new(Plan::new(1_000), 7, clock);
        for (tenant, planned) in world.tenants.iter().zip(&world.plan.tenants) {
            assert_eq!(tenant.leads.len(), planned.leads as usize);
        }
        let unassigned = world.lead_assignee.iter().filter(|&&a| a == 0).count();
        assert!((150..250).contains(&unassigned), "{unassigned}");
        assert!(world
            .lead_created
            .iter()
            .all(|&t| (clock.start..clock.anchor).contains(&t)));
    }

    #[test]
    fn another_anchor_shifts_the_creation_times_and_changes_nothing_else() {
        let (early, late) = (clock("2026-01-01"), clock("2026-11-22"));
        let first = World::new(Plan::new(1_000), 7, early);
        let second = World::new(Plan::new(1_000), 7, late);
        let shift = late.anchor - early.anchor;
        assert!(first
            .lead_created
            .iter()
            .zip(&second.lead_created)
            .all(|(a, b)| b - a == shift));
        assert_eq!(first.lead_assignee, second.lead_assignee);
        assert_eq!(first.lead_tenant, second.lead_tenant);
    }

    #[test]
    fn assignees_belong_to_the_lead_s_tenant() {
        let world = World::new(Plan::new(2_000), 1, clock("2026-01-01"));
        for lead in 1..=2_000u32 {
            let users = world.tenant_of(lead).users;
            let user = world.lead_assignee[lead as usize - 1];
            assert!(user == 0 || (users.first..users.first + users.count).contains(&user));
        }
    }
}
