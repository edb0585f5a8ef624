//! The plan: how many rows each table gets for a number of leads, and how they split by tenant.
//!
//! Pure arithmetic, no randomness: the same number of leads always gives the same plan, so
//! tests compare the loaded counts with the plan's own numbers.

use clap::ValueEnum;
use serde::Serialize;

use super::tables::Table;

/// The preset sizes of `--scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// About 100 leads: unit-sized tests.
    Tiny,
    /// 20,000 leads: design doc 004's scale.
    Small,
    /// 200,000 leads.
    Medium,
    /// 1,000,000 leads: the benchmark.
    Large,
}

impl Scale {
    /// The number of leads of this scale.
    #[must_use]
    pub fn leads(self) -> u32 {
        match self {
            Self::Tiny => 100,
            Self::Small => 20_000,
            Self::Medium => 200_000,
            Self::Large => 1_000_000,
        }
    }
}

/// The share of all leads that the largest tenant holds, so that tenant-scoped queries on it
/// are not trivially small.
pub const LARGEST_TENANT_SHARE: f64 = 0.40;

/// The Zipf exponent of the other tenants' sizes.
const ZIPF_EXPONENT: f64 = 1.1;

/// Leads per tenant on average: 50 tenants at 200,000 leads, as in the schema's planner notes.
const LEADS_PER_TENANT: u32 = 4_000;

/// Child rows per lead, across all tenants: (table, numerator, denominator).
const PER_LEAD: [(Table, u64, u64); 6] = [
    (Table::Communications, 3, 1),
    (Table::LeadNotes, 1, 2),
    (Table::WorkflowExecutions, 1, 4),
    (Table::LeadScoreHistory, 1, 1),
    (Table::ActivityLogs, 3, 1),
    // campaign_leads is per tenant (every other lead of the tenant), see Tenant::enrolments.
    (Table::CampaignLeads, 0, 1),
];

/// One tenant's share of the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub leads: u32,
    pub users: u32,
    pub campaigns: u32,
    pub workflows: u32,
    pub scoring_rules: u32,
    pub custom_fields: u32,
    pub integrations: u32,
}

impl Tenant {
    fn new(index: u32, leads: u32) -> Self {
        Self {
            leads,
            users: leads.div_ceil(100).max(2),
            campaigns: leads.div_ceil(100),
            workflows: leads.div_ceil(200),
            scoring_rules: leads.div_ceil(40).max(2),
            custom_fields: 3 + index % 6,
            integrations: 1 + index % 4,
        }
    }

    /// Campaign enrolments: every other lead of the tenant, each in one campaign.
    #[must_use]
    pub fn enrolments(&self) -> u32 {
        self.leads / 2
    }
}

/// Rows per table and per tenant for a number of leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub leads: u32,
    pub tenants: Vec<Tenant>,
}

impl Plan {
    /// The plan for `leads` leads (at least one).
    #[must_use]
    pub fn new(leads: u32) -> Self {
        let leads = leads.max(1);
        let count = (leads / LEADS_PER_TENANT).clamp(3, 100_000).min(leads);
        let tenants = tenant_sizes(leads, count)
            .into_iter()
            .zip(0..)
            .map(|(size, index)| Tenant::new(index, size))
            .collect();
        Self { leads, tenants }
    }

    /// How many rows `table` gets.
    #[must_use]
    pub fn rows(&self, table: Table) -> u64 {
        let sum = |f: fn(&Tenant) -> u32| self.tenants.iter().map(|t| u64::from(f(t))).sum();
        match table {
            Table::Organizations => self.tenants.len() as u64,
            Table::Users => sum(|t| t.users),
            Table::CustomFieldDefinitions => sum(|t| t.custom_fields),
            Table::Integrations => sum(|t| t.integrations),
            Table::LeadScoringRules => sum(|t| t.scoring_rules),
            Table::Leads => u64::from(self.leads),
            Table::Campaigns => sum(|t| t.campaigns),
            Table::Workflows => sum(|t| t.workflows),
            Table::CampaignLeads => sum(Tenant::enrolments),
            other => per_lead(other, self.leads),
        }
    }

    /// All rows of all tables.
    #[must_use]
    pub fn total_rows(&self) -> u64 {
        Table::ALL.iter().map(|&t| self.rows(t)).sum()
    }
}

fn per_lead(table: Table, leads: u32) -> u64 {
    PER_LEAD
        .iter()
        .find(|(t, _, _)| *t == table)
        .map_or(0, |(_, num, den)| u64::from(leads) * num / den)
}

/// Lead counts per tenant: the first holds LARGEST_TENANT_SHARE, the others follow Zipf
/// weights; rounded by largest remainder so they sum to `leads`, each tenant at least one.
fn tenant_sizes(leads: u32, count: u32) -> Vec<u32> {
    let rest = count - 1;
    let largest = ((f64::from(leads) * LARGEST_TENANT_SHARE) as u32).clamp(1, leads - rest);
    let others = leads - largest - rest; // every other tenant gets 1 up front
                                         // Rank k + 1: the largest tenant is rank 1, so no other tenant outgrows it.
    let weights: Vec<f64> = (1..=rest)
        .map(|k| 1.0 / f64::from(k + 1).powf(ZIPF_EXPONENT))
        .collect();
    let mut sizes = vec![largest];
    sizes.extend(apportion(others, &weights).into_iter().map(|n| n + 1));
    sizes
}

/// Splits `total` in proportion to `weights`, exactly, by largest remainder.
fn apportion(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let exact: Vec<f64> = weights.iter().map(|w| f64::from(total) * w / sum).collect();
    let mut shares: Vec<u32> = exact.iter().map(|x| x.floor() as u32).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (exact[a] - exact[a].floor(), exact[b] - exact[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    let missing = total - shares.iter().sum::<u32>();
    for &index in order.iter().take(missing as usize) {
        shares[index] += 1;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_sizes_sum_to_the_leads_and_the_largest_holds_its_share() {
        for leads in [1, 2, 3, 100, 20_000, 1_000_000, 123_457] {
            let plan = Plan::new(leads);
            let sizes: Vec<u32> = plan.tenants.iter().map(|t| t.leads).collect();
            assert_eq!(sizes.iter().sum::<u32>(), leads, "{leads}");
            assert!(sizes.iter().all(|&n| n >= 1), "{leads}");
            if leads >= 100 {
                let share = f64::from(sizes[0]) / f64::from(leads);
                assert!((share - LARGEST_TENANT_SHARE).abs() < 0.01, "{share}");
                assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
            }
        }
    }

    #[test]
    fn tiny_has_three_tenants_and_large_has_two_hundred_fifty() {
        assert_eq!(Plan::new(Scale::Tiny.leads()).tenants.len(), 3);
        assert_eq!(Plan::new(Scale::Medium.leads()).tenants.len(), 50);
        assert_eq!(Plan::new(Scale::Large.leads()).tenants.len(), 250);
    }

    #[test]
    fn child_tables_scale_with_the_leads() {
        let plan = Plan::new(200_000);
        assert_eq!(plan.rows(Table::Leads), 200_000);
        assert_eq!(plan.rows(Table::Communications), 600_000);
        assert_eq!(plan.rows(Table::ActivityLogs), 600_000);
        assert_eq!(plan.rows(Table::LeadNotes), 100_000);
        assert_eq!(plan.rows(Table::Organizations), 50);
        // Enough rows in the small tables for their indexes to win (schema-notes.md).
        assert!(plan.rows(Table::Campaigns) >= 2_000);
        assert!(plan.rows(Table::Users) >= 2_000);
        assert!(plan.rows(Table::LeadScoringRules) >= 5_000);
        assert!(plan.rows(Table::Workflows) >= 1_000);
        let doubled = Plan::new(400_000);
        assert_eq!(
            doubled.rows(Table::Communications),
            2 * plan.rows(Table::Communications)
        );
    }

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
    }
}
