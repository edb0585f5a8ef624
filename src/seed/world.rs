//! The world model shared by every table's generator: which tenant each lead belongs to, when
//! it was created and who it is assigned to, and each tenant's id ranges in the small tables.
//!
//! Built once, before loading, from its own random streams, so children can refer to their
//! parents' rows without reading them back and every table's content is independent of the
//! order in which the tables load.
//!
//! Time: every timestamp is relative to the fixed instant [`ANCHOR`] (not `now()`), so the same
//! seed gives the same bytes on any day. History spans the two years before it. Scheduled
//! communications must stay in the future for the "upcoming" queries (scheduled_at >= now()),
//! so they are placed in the first half of [`FUTURE`], a date far ahead of any real clock.

use rand::RngExt as _;

use super::fakes;
use super::plan::Plan;
use super::rng::{self, SeedRng};

/// Microseconds in a day.
pub const DAY: i64 = 86_400_000_000;

/// The end of the generated history: 2026-01-01T00:00:00Z, in microseconds since
/// PostgreSQL's epoch (2000-01-01).
pub const ANCHOR: i64 = days_from_civil(2026, 1, 1) * DAY;

/// The start of the generated history, two years before the anchor.
pub const START: i64 = days_from_civil(2024, 1, 1) * DAY;

/// Where scheduled communications begin: 2040-01-01, in the future for a long time to come.
pub const FUTURE: i64 = days_from_civil(2040, 1, 1) * DAY;

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
    /// Builds the world of `plan` under `seed`.
    #[must_use]
    pub fn new(plan: Plan, seed: u64) -> Self {
        let mut tenants = id_ranges(&plan);
        let lead_tenant = shuffled_tenants(&plan, &mut rng::stream(seed, "world.lead_tenant"));
        for (index, &tenant) in lead_tenant.iter().enumerate() {
            tenants[tenant as usize].leads.push(index as u32 + 1);
        }
        let lead_created = creation_times(plan.leads, &mut rng::stream(seed, "world.created"));
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
        rng.random_range(created..=ANCHOR)
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
fn creation_times(leads: u32, rng: &mut SeedRng) -> Vec<i64> {
    let span = (ANCHOR - START - DAY) as f64;
    (0..leads)
        .map(|i| {
            let fraction = (f64::from(i) + 0.5) / f64::from(leads);
            let jitter = rng.random_range(0..3_600_000_000);
            START + (span * fraction.sqrt()) as i64 + jitter
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

    #[test]
    fn civil_dates_count_days_from_the_postgres_epoch() {
        assert_eq!(days_from_civil(2000, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 60);
        assert_eq!(days_from_civil(2024, 1, 1), 8_766);
        assert_eq!(days_from_civil(2026, 1, 1), 9_497);
        assert_eq!(civil_from_days(9_497), (2026, 1, 1));
        assert_eq!(civil_from_days(59), (2000, 2, 29));
        assert_eq!(iso_date(ANCHOR - 1), "2025-12-31");
    }

    #[test]
    fn every_lead_has_a_tenant_and_tenants_get_their_planned_leads() {
        let world = World::new(Plan::new(1_000), 7);
        for (tenant, planned) in world.tenants.iter().zip(&world.plan.tenants) {
            assert_eq!(tenant.leads.len(), planned.leads as usize);
        }
        let unassigned = world.lead_assignee.iter().filter(|&&a| a == 0).count();
        assert!((150..250).contains(&unassigned), "{unassigned}");
        assert!(world
            .lead_created
            .iter()
            .all(|&t| (START..ANCHOR).contains(&t)));
    }

    #[test]
    fn assignees_belong_to_the_lead_s_tenant() {
        let world = World::new(Plan::new(2_000), 1);
        for lead in 1..=2_000u32 {
            let users = world.tenant_of(lead).users;
            let user = world.lead_assignee[lead as usize - 1];
            assert!(user == 0 || (users.first..users.first + users.count).contains(&user));
        }
    }
}
