//! Campaigns and their enrolments, workflows and their executions (some failed).

use rand::RngExt as _;

use super::copy::{copy_row, Day, Jsonb, Label, Ts};
use super::fakes;
use super::json::{string_array, Object};
use super::rng::{self, chance, pick, weighted, SeedRng};
use super::tables::Table;
use super::world::{Clock, Range, World, DAY};

copy_row! {
    Table::Campaigns,
    "campaigns",
    /// One row of `campaigns`.
    #[derive(Debug)]
    pub struct Campaign {
        id: i32,
        organization_id: i32,
        name: String,
        description: Option<String>,
        campaign_type: &'static str,
        status: Label,
        target_criteria: Jsonb,
        start_date: Option<Day>,
        end_date: Option<Day>,
        budget_allocated: Option<i32>,
        budget_spent: i32,
        goals: Jsonb,
        created_by: Option<i32>,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Each tenant's campaigns.
pub fn campaigns(world: &World) -> impl Iterator<Item = Campaign> + Send + '_ {
    world.per_tenant(
        "campaigns",
        |t| t.campaigns,
        |rng, index, tenant, _, id| campaign(rng, world.clock, index, id, tenant.users),
    )
}

fn campaign(rng: &mut SeedRng, clock: Clock, tenant: usize, id: i32, users: Range) -> Campaign {
    let status = weighted(
        rng,
        &[
            ("draft", 10),
            ("active", 30),
            ("paused", 10),
            ("completed", 45),
            ("cancelled", 5),
        ],
    );
    let start = rng.random_range(clock.start..clock.anchor);
    let end = start + rng.random_range(14..120) * DAY;
    let allocated = chance(rng, 90).then(|| rng.random_range(10_000..500_000_000));
    let spent = match (status, allocated) {
        ("draft", _) => 0,
        (_, Some(allocated)) => rng.random_range(0..=allocated),
        (_, None) => rng.random_range(0..5_000_000),
    };
    let created = start - rng.random_range(1..30) * DAY;
    let kind = weighted(
        rng,
        &[
            ("email", 40),
            ("webinar", 15),
            ("event", 10),
            ("social", 15),
            ("ads", 15),
            ("direct_mail", 5),
        ],
    );
    Campaign {
        id,
        organization_id: tenant as i32 + 1,
        name: format!("{} {kind}: {}", quarter(start), fakes::catch_phrase(rng)),
        description: chance(rng, 70).then(|| fakes::sentence(rng, 6, 18)),
        campaign_type: kind,
        status: Label(status),
        target_criteria: Object::new()
            .str(
                "industry",
                pick(
                    rng,
                    &["saas", "fintech", "healthcare", "retail", "education"],
                ),
            )
            .int("min_score", rng.random_range(0..80))
            .raw(
                "sources",
                &string_array([pick(rng, &["WEBSITE", "REFERRAL", "EVENT"])]),
            )
            .jsonb(),
        start_date: (status != "draft" || chance(rng, 50)).then_some(Day((start / DAY) as i32)),
        end_date: (status != "draft").then_some(Day((end / DAY) as i32)),
        budget_allocated: allocated,
        budget_spent: spent,
        goals: Object::new()
            .int("leads", rng.random_range(50..5_000))
            .int("conversions", rng.random_range(5..500))
            .jsonb(),
        created_by: chance(rng, 95).then(|| users.id(rng.random_range(0..users.count))),
        created_at: Ts(created),
        updated_at: Ts(rng.random_range(created..=clock.anchor)),
    }
}

fn quarter(micros: i64) -> String {
    let (year, month, _) = super::world::civil_from_days(micros / DAY);
    format!("Q{} {year}", (month - 1) / 3 + 1)
}

copy_row! {
    Table::CampaignLeads,
    "campaign_leads",
    /// One row of `campaign_leads`.
    #[derive(Debug)]
    pub struct Enrolment {
        organization_id: i32,
        campaign_id: i32,
        lead_id: i32,
        status: &'static str,
        added_at: Ts,
        contacted_at: Option<Ts>,
        responded_at: Option<Ts>,
        converted_at: Option<Ts>,
        updated_at: Ts,
    }
}

/// Every other lead of each tenant, in one of the tenant's campaigns (a few campaigns get
/// most of them). One enrolment per lead keeps the primary key unique by construction.
pub fn campaign_leads(world: &World) -> impl Iterator<Item = Enrolment> + Send + '_ {
    let mut rng = world.rng("campaign_leads");
    world
        .tenants
        .iter()
        .enumerate()
        .flat_map(move |(index, tenant)| {
            let rows: Vec<Enrolment> = tenant
                .leads
                .iter()
                .skip(1)
                .step_by(2)
                .map(|&lead| {
                    let campaign = tenant
                        .campaigns
                        .id(rng::front_skewed(&mut rng, tenant.campaigns.count as usize) as u32);
                    enrolment(&mut rng, world, index, campaign, lead)
                })
                .collect();
            rows
        })
}

fn enrolment(
    rng: &mut SeedRng,
    world: &World,
    tenant: usize,
    campaign: i32,
    lead: u32,
) -> Enrolment {
    let status = weighted(
        rng,
        &[
            ("pending", 25),
            ("contacted", 35),
            ("responded", 20),
            ("converted", 8),
            ("unsubscribed", 7),
            ("bounced", 5),
        ],
    );
    let added = world.after_created(rng, lead);
    let anchor = world.clock.anchor;
    let stage = match status {
        "pending" => 0,
        "contacted" | "bounced" | "unsubscribed" => 1,
        "responded" => 2,
        _ => 3,
    };
    let contacted = (stage >= 1).then(|| rng.random_range(added..=anchor));
    let responded = contacted
        .filter(|_| stage >= 2)
        .map(|c| rng.random_range(c..=anchor));
    let converted = responded
        .filter(|_| stage >= 3)
        .map(|r| rng.random_range(r..=anchor));
    let updated = converted.or(responded).or(contacted).unwrap_or(added);
    Enrolment {
        organization_id: tenant as i32 + 1,
        campaign_id: campaign,
        lead_id: lead as i32,
        status,
        added_at: Ts(added),
        contacted_at: contacted.map(Ts),
        responded_at: responded.map(Ts),
        converted_at: converted.map(Ts),
        updated_at: Ts(updated),
    }
}

const WORKFLOW_NAMES: [&str; 8] = [
    "Welcome sequence",
    "Nurture cold leads",
    "Notify owner of hot lead",
    "Sync to CRM",
    "Re-score on activity",
    "Meeting reminder",
    "Lost-deal survey",
    "Round-robin assignment",
];

copy_row! {
    Table::Workflows,
    "workflows",
    /// One row of `workflows`.
    #[derive(Debug)]
    pub struct Workflow {
        id: i32,
        organization_id: i32,
        n8n_workflow_id: String,
        name: String,
        description: Option<String>,
        category: &'static str,
        trigger_type: &'static str,
        trigger_conditions: Jsonb,
        configuration: Jsonb,
        is_active: bool,
        created_by: Option<i32>,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Each tenant's workflows; the n8n id carries the row id, so it is globally unique.
pub fn workflows(world: &World) -> impl Iterator<Item = Workflow> + Send + '_ {
    world.per_tenant(
        "workflows",
        |t| t.workflows,
        |rng, index, _, offset, id| workflow(rng, world, index, id, offset),
    )
}

fn workflow(rng: &mut SeedRng, world: &World, tenant: usize, id: i32, offset: u32) -> Workflow {
    let (clock, users) = (world.clock, world.tenants[tenant].users);
    let trigger = pick(
        rng,
        &[
            "webhook",
            "schedule",
            "lead_created",
            "status_changed",
            "form_submitted",
        ],
    );
    let created = rng.random_range(clock.start - 100 * DAY..clock.anchor - 10 * DAY);
    Workflow {
        id,
        organization_id: tenant as i32 + 1,
        n8n_workflow_id: format!("n8n-wf-{id:07}"),
        name: format!(
            "{} #{}",
            WORKFLOW_NAMES[offset as usize % WORKFLOW_NAMES.len()],
            offset + 1
        ),
        description: chance(rng, 60).then(|| fakes::sentence(rng, 5, 15)),
        category: pick(
            rng,
            &[
                "lead_nurturing",
                "notifications",
                "data_sync",
                "scoring",
                "onboarding",
            ],
        ),
        trigger_type: trigger,
        trigger_conditions: Object::new().str("event", trigger).jsonb(),
        configuration: Object::new()
            .int("nodes", rng.random_range(2..25))
            .bool("retry_on_failure", chance(rng, 70))
            .jsonb(),
        is_active: chance(rng, 85),
        created_by: chance(rng, 90).then(|| users.id(rng.random_range(0..users.count))),
        created_at: Ts(created),
        updated_at: Ts(rng.random_range(created..=clock.anchor)),
    }
}

copy_row! {
    Table::WorkflowExecutions,
    "workflow_executions",
    /// One row of `workflow_executions`.
    #[derive(Debug)]
    pub struct Execution {
        id: i64,
        organization_id: i32,
        workflow_id: i32,
        lead_id: Option<i32>,
        n8n_execution_id: String,
        status: &'static str,
        started_at: Ts,
        finished_at: Option<Ts>,
        error: Option<&'static str>,
    }
}

const ERRORS: [&str; 4] = [
    "HTTP 500 from the CRM API",
    "timeout after 30s waiting for the mail provider",
    "invalid e-mail address",
    "rate limited (429)",
];

/// Executions of the tenants' workflows: most about a lead, most successful, some failed,
/// a few still running or waiting (not finished, ck_workflow_executions_finished_iff_done).
pub fn workflow_executions(
    world: &World,
    count: u64,
) -> impl Iterator<Item = Execution> + Send + '_ {
    let mut rng = world.rng("workflow_executions");
    (1..=count).map(move |id| execution(&mut rng, world, id as i64))
}

fn execution(rng: &mut SeedRng, world: &World, id: i64) -> Execution {
    let lead = world.skewed_lead(rng);
    let workflows = world.tenant_of(lead).workflows;
    let workflow = workflows.id(rng::front_skewed(rng, workflows.count as usize) as u32);
    let status = weighted(
        rng,
        &[
            ("success", 85),
            ("error", 8),
            ("cancelled", 2),
            ("running", 3),
            ("waiting", 2),
        ],
    );
    let started = world.after_created(rng, lead);
    let finished = (!matches!(status, "running" | "waiting"))
        .then(|| started + rng.random_range(100_000..600_000_000));
    Execution {
        id,
        organization_id: world.org_of(lead),
        workflow_id: workflow,
        lead_id: chance(rng, 80).then_some(lead as i32),
        n8n_execution_id: format!("exec-{id}"),
        status,
        started_at: Ts(started),
        finished_at: finished.map(Ts),
        error: (status == "error").then(|| pick(rng, &ERRORS)),
    }
}
