//! Tenant configuration: organizations, their users, custom field definitions, integrations
//! and lead scoring rules.

use rand::RngExt as _;

use super::copy::{copy_row, Jsonb, Label, Ts};
use super::fakes;
use super::fields::tenant_fields;
use super::json::{string_array, Object};
use super::rng::{self, chance, pick, weighted, SeedRng};
use super::tables::Table;
use super::world::{Clock, World, DAY};

const PROVIDERS: [(&str, &str); 7] = [
    ("hubspot", "HubSpot CRM"),
    ("salesforce", "Salesforce"),
    ("gmail", "Gmail"),
    ("outlook", "Outlook 365"),
    ("n8n", "n8n automation"),
    ("slack", "Slack"),
    ("google_calendar", "Google Calendar"),
];

const TIMEZONES: [&str; 6] = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Singapore",
];

/// A timestamp uniformly in `[from, to)`.
fn between(rng: &mut SeedRng, from: i64, to: i64) -> i64 {
    rng.random_range(from..to)
}

copy_row! {
    Table::Organizations,
    "organizations",
    /// One row of `organizations`.
    #[derive(Debug)]
    pub struct Organization {
        id: i32,
        name: String,
        slug: String,
        description: Option<String>,
        website: Option<String>,
        industry: &'static str,
        size: &'static str,
        settings: Jsonb,
        subscription_tier: &'static str,
        billing_email: String,
        is_active: bool,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// The organizations, largest tenant first.
pub fn organizations(world: &World) -> impl Iterator<Item = Organization> + Send + '_ {
    let mut rng = world.rng("organizations");
    world
        .plan
        .tenants
        .iter()
        .enumerate()
        .map(move |(index, tenant)| {
            let (name, domain) = &world.org_names[index];
            let (size, tier) = match tenant.leads {
                50_000.. => ("enterprise", "enterprise"),
                10_000.. => ("large", "business"),
                2_000.. => ("medium", "pro"),
                300.. => ("small", "starter"),
                _ => ("startup", "free"),
            };
            let start = world.clock.start;
            let created = between(&mut rng, start - 720 * DAY, start - 30 * DAY);
            let settings = Object::new()
                .str("timezone", pick(&mut rng, &TIMEZONES))
                .str("currency", pick(&mut rng, &["USD", "EUR", "GBP"]))
                .bool("round_robin_assignment", chance(&mut rng, 60))
                .jsonb();
            Organization {
                id: index as i32 + 1,
                slug: format!("{}-{}", fakes::slug(name), index + 1),
                name: name.clone(),
                description: chance(&mut rng, 80).then(|| fakes::catch_phrase(&mut rng)),
                website: chance(&mut rng, 90).then(|| format!("https://www.{domain}")),
                industry: fakes::industry(&mut rng),
                size,
                settings,
                subscription_tier: tier,
                billing_email: format!("billing@{domain}"),
                is_active: index < 3 || chance(&mut rng, 95),
                created_at: Ts(created),
                updated_at: Ts(between(&mut rng, created, world.clock.anchor)),
            }
        })
}

copy_row! {
    Table::Users,
    "users",
    /// One row of `users`.
    #[derive(Debug)]
    pub struct User {
        id: i32,
        email: String,
        username: String,
        first_name: &'static str,
        last_name: &'static str,
        hashed_password: String,
        role: Label,
        is_active: bool,
        is_verified: bool,
        timezone: &'static str,
        preferences: Jsonb,
        avatar_url: Option<String>,
        created_at: Ts,
        updated_at: Ts,
        last_login: Option<Ts>,
        organization_id: i32,
    }
}

/// The users of every tenant, tenant by tenant: the first an admin, then managers, sales reps
/// and a few viewers. E-mails and usernames carry the id, so they are globally unique.
pub fn users(world: &World) -> impl Iterator<Item = User> + Send + '_ {
    world.per_tenant(
        "users",
        |t| t.users,
        |rng, index, _, offset, id| user(rng, world, index, id, offset),
    )
}

fn user(rng: &mut SeedRng, world: &World, tenant: usize, id: i32, offset: u32) -> User {
    let (Clock { start, anchor, .. }, domain) = (world.clock, &world.org_names[tenant].1);
    let (first, last) = fakes::person(rng);
    let local = fakes::local_part(first, last);
    let role = match (offset, offset % 10) {
        (0, _) => "ADMIN",
        (_, 1) => "MANAGER",
        (_, 9) => "VIEWER",
        _ => "SALES_REP",
    };
    let created = between(rng, start - 365 * DAY, start + 365 * DAY);
    let preferences = Object::new()
        .str("theme", pick(rng, &["light", "dark", "system"]))
        .bool("email_notifications", chance(rng, 70))
        .int("page_size", pick(rng, &[25, 50, 100]))
        .jsonb();
    User {
        id,
        email: format!("{local}.{id}@{domain}"),
        username: format!("{}{id}", local.replace('.', "_")),
        first_name: first,
        last_name: last,
        hashed_password: format!("$2b$12${}", fakes::hex(rng, 53)),
        role: Label(role),
        is_active: offset == 0 || chance(rng, 92),
        is_verified: offset == 0 || chance(rng, 85),
        timezone: pick(rng, &TIMEZONES),
        preferences,
        avatar_url: chance(rng, 40).then(|| format!("https://avatars.example.com/{id}.png")),
        created_at: Ts(created),
        updated_at: Ts(between(rng, created, anchor)),
        last_login: chance(rng, 85).then(|| Ts(between(rng, anchor - 60 * DAY, anchor))),
        organization_id: tenant as i32 + 1,
    }
}

copy_row! {
    Table::CustomFieldDefinitions,
    "custom_field_definitions",
    /// One row of `custom_field_definitions`.
    #[derive(Debug)]
    pub struct FieldDefinition {
        id: i32,
        organization_id: i32,
        field_key: &'static str,
        label: &'static str,
        field_type: &'static str,
        is_required: bool,
        options: Jsonb,
        sort_order: i32,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Each tenant's custom field definitions, from the catalog.
pub fn custom_field_definitions(
    world: &World,
) -> impl Iterator<Item = FieldDefinition> + Send + '_ {
    let mut rng = world.rng("custom_field_definitions");
    world
        .tenants
        .iter()
        .enumerate()
        .flat_map(move |(index, tenant)| {
            let range = tenant.custom_fields;
            let rows: Vec<FieldDefinition> = tenant_fields(index, range.count)
                .zip(0..)
                .map(|(field, offset)| {
                    let Clock { start, anchor, .. } = world.clock;
                    let created = between(&mut rng, start - 300 * DAY, start);
                    FieldDefinition {
                        id: range.id(offset),
                        organization_id: index as i32 + 1,
                        field_key: field.key,
                        label: field.label,
                        field_type: field.kind,
                        is_required: field.required,
                        options: Jsonb(string_array(field.options.iter().copied())),
                        sort_order: offset as i32 * 10,
                        created_at: Ts(created),
                        updated_at: Ts(between(&mut rng, created, anchor)),
                    }
                })
                .collect();
            rows
        })
}

copy_row! {
    Table::Integrations,
    "integrations",
    /// One row of `integrations`.
    #[derive(Debug)]
    pub struct Integration {
        id: i32,
        organization_id: i32,
        provider: &'static str,
        name: &'static str,
        status: Label,
        config: Jsonb,
        credentials_encrypted: Option<Vec<u8>>,
        last_sync_at: Option<Ts>,
        expires_at: Option<Ts>,
        last_error: Option<&'static str>,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Each tenant's connections, one per provider.
pub fn integrations(world: &World) -> impl Iterator<Item = Integration> + Send + '_ {
    world.per_tenant(
        "integrations",
        |t| t.integrations,
        |rng, index, _, offset, id| {
            let provider = PROVIDERS[(index + offset as usize) % PROVIDERS.len()];
            integration(rng, world.clock, index, id, provider)
        },
    )
}

/// One integration of `provider` (its key and display name).
fn integration(
    rng: &mut SeedRng,
    clock: Clock,
    tenant: usize,
    id: i32,
    (provider, name): (&'static str, &'static str),
) -> Integration {
    let Clock { start, anchor, .. } = clock;
    let status = weighted(
        rng,
        &[
            ("active", 70),
            ("inactive", 12),
            ("error", 10),
            ("expired", 8),
        ],
    );
    let created = between(rng, start - 200 * DAY, anchor - 30 * DAY);
    let config = Object::new()
        .int("sync_interval_minutes", pick(rng, &[5, 15, 60, 1440]))
        .bool("two_way_sync", chance(rng, 50))
        .str("account", &format!("acct-{}", fakes::hex(rng, 8)))
        .jsonb();
    let credentials =
        (status != "inactive").then(|| (0..48).map(|_| rng.random::<u8>()).collect::<Vec<u8>>());
    let expires = match status {
        "expired" => Some(between(rng, anchor - 90 * DAY, anchor)),
        "inactive" => None,
        _ => Some(between(rng, anchor + 30 * DAY, anchor + 365 * DAY)),
    };
    Integration {
        id,
        organization_id: tenant as i32 + 1,
        provider,
        name,
        status: Label(status),
        config,
        credentials_encrypted: credentials,
        last_sync_at: (status != "inactive").then(|| Ts(between(rng, anchor - 7 * DAY, anchor))),
        expires_at: expires.map(Ts),
        last_error: (status == "error")
            .then_some("401 Unauthorized: token revoked by the provider"),
        created_at: Ts(created),
        updated_at: Ts(between(rng, created, anchor)),
    }
}

const RULE_FIELDS: [(&str, &[&str]); 6] = [
    ("industry", &["saas", "fintech", "healthcare", "retail"]),
    ("source", &["REFERRAL", "EVENT", "WEBSITE", "COLD_OUTREACH"]),
    (
        "job_title",
        &["Director", "Manager", "Engineer", "Executive"],
    ),
    (
        "company_size",
        &["1-10", "11-50", "51-200", "201-1000", "1000+"],
    ),
    ("email_domain", &["gmail.com", "yahoo.com", "hotmail.com"]),
    ("region", &["emea", "amer", "apac"]),
];

copy_row! {
    Table::LeadScoringRules,
    "lead_scoring_rules",
    /// One row of `lead_scoring_rules`.
    #[derive(Debug)]
    pub struct ScoringRule {
        id: i32,
        organization_id: i32,
        name: String,
        description: Option<String>,
        criteria: Jsonb,
        points: i32,
        priority: i32,
        is_active: bool,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Each tenant's scoring rules; names are unique per tenant through their number.
pub fn lead_scoring_rules(world: &World) -> impl Iterator<Item = ScoringRule> + Send + '_ {
    world.per_tenant(
        "lead_scoring_rules",
        |t| t.scoring_rules,
        |rng, index, _, offset, id| scoring_rule(rng, world.clock, index, id, offset),
    )
}

fn scoring_rule(
    rng: &mut SeedRng,
    clock: Clock,
    tenant: usize,
    id: i32,
    offset: u32,
) -> ScoringRule {
    let (field, values) = RULE_FIELDS[rng::front_skewed(rng, RULE_FIELDS.len())];
    let value = pick(rng, values);
    let op = weighted(rng, &[("eq", 6), ("neq", 1), ("contains", 2)]);
    let points = if chance(rng, 80) {
        rng.random_range(1..=50)
    } else {
        rng.random_range(-100..=-1)
    };
    let created = between(rng, clock.start - 100 * DAY, clock.anchor - DAY);
    ScoringRule {
        id,
        organization_id: tenant as i32 + 1,
        name: format!("{field} {op} {value} #{}", offset + 1),
        description: chance(rng, 60).then(|| fakes::sentence(rng, 4, 10)),
        criteria: Object::new()
            .str("field", field)
            .str("op", op)
            .str("value", value)
            .jsonb(),
        points,
        priority: rng.random_range(0..100),
        is_active: chance(rng, 80),
        created_at: Ts(created),
        updated_at: Ts(between(rng, created, clock.anchor)),
    }
}
