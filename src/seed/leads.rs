//! Leads, with their notes and score history: status, source and temperature mixes, scores,
//! skewed tags and custom fields that follow the tenant's definitions.

use rand::RngExt as _;

use super::copy::{copy_row, Day, Jsonb, Label, Ts};
use super::fakes;
use super::fields::{tenant_fields, Field};
use super::json::{string_array, Object};
use super::rng::{chance, pick, weighted, SeedRng};
use super::tables::Table;
use super::world::{iso_date, Clock, World, DAY};

/// The tag vocabulary, most common first: a lead's tags are drawn with a strong skew towards
/// the front, so a few tags are on many leads and most are rare.
pub const TAGS: [&str; 40] = [
    "newsletter",
    "inbound",
    "webinar",
    "demo-requested",
    "pricing-page",
    "trial",
    "enterprise",
    "smb",
    "vip",
    "partner",
    "referral",
    "event-2025",
    "decision-maker",
    "champion",
    "budget-ok",
    "needs-follow-up",
    "churn-risk",
    "upsell",
    "renewal",
    "competitor-user",
    "evaluation",
    "security-review",
    "procurement",
    "legal-review",
    "emea",
    "amer",
    "apac",
    "healthcare",
    "fintech",
    "retail",
    "education",
    "manufacturing",
    "public-sector",
    "nonprofit",
    "startup",
    "agency",
    "reseller",
    "beta",
    "conference",
    "case-study",
];

/// A tag on about 0.1% of leads, for selective tag searches.
pub const RARE_TAG: &str = "do-not-contact";

const STATUSES: [(&str, u32); 7] = [
    ("NEW", 30),
    ("CONTACTED", 22),
    ("QUALIFIED", 15),
    ("PROPOSAL", 9),
    ("NEGOTIATION", 6),
    ("CLOSED_WON", 8),
    ("CLOSED_LOST", 10),
];

const SOURCES: [(&str, u32); 8] = [
    ("WEBSITE", 30),
    ("EMAIL", 12),
    ("SOCIAL_MEDIA", 12),
    ("REFERRAL", 15),
    ("ADVERTISING", 10),
    ("COLD_OUTREACH", 10),
    ("EVENT", 6),
    ("OTHER", 5),
];

copy_row! {
    Table::Leads,
    "leads",
    /// One row of `leads`.
    #[derive(Debug)]
    pub struct Lead {
        id: i32,
        email: String,
        first_name: &'static str,
        last_name: &'static str,
        company: Option<String>,
        job_title: Option<String>,
        phone: Option<String>,
        website: Option<String>,
        linkedin_url: Option<String>,
        lead_temperature: Label,
        expected_close_date: Option<Day>,
        last_engagement_date: Option<Ts>,
        status: Label,
        source: Label,
        score: i32,
        value: Option<i32>,
        notes: Option<String>,
        tags: Jsonb,
        custom_fields: Jsonb,
        first_contacted_at: Option<Ts>,
        last_contacted_at: Option<Ts>,
        created_at: Ts,
        updated_at: Ts,
        organization_id: i32,
        assigned_to_id: Option<i32>,
    }
}

/// Every lead, by id.
pub fn leads(world: &World) -> impl Iterator<Item = Lead> + Send + '_ {
    let mut rng = world.rng("leads");
    (1..=world.plan.leads).map(move |id| lead(&mut rng, world, id))
}

fn lead(rng: &mut SeedRng, world: &World, id: u32) -> Lead {
    let index = id as usize - 1;
    let tenant = world.lead_tenant[index] as usize;
    let created = world.lead_created[index];
    let (first, last) = fakes::person(rng);
    let company = chance(rng, 90).then(|| fakes::company(rng));
    let domain = company.as_deref().map(|c| fakes::domain(rng, c));
    let email = match &domain {
        Some(domain) if chance(rng, 88) => format!("{}@{domain}", fakes::local_part(first, last)),
        _ => format!(
            "{}{}@{}",
            fakes::local_part(first, last),
            rng.random_range(1..100),
            fakes::free_mail(rng)
        ),
    };
    let status = weighted(rng, &STATUSES);
    let score = score(rng, status);
    let (first_contact, last_contact) = contacts(rng, world.clock, status, created);
    let fields = tenant_fields(tenant, world.plan.tenants[tenant].custom_fields);
    let assignee = world.lead_assignee[index];
    Lead {
        id: id as i32,
        email,
        first_name: first,
        last_name: last,
        job_title: chance(rng, 80).then(|| fakes::job_title(rng)),
        phone: chance(rng, 70).then(|| fakes::phone(rng)),
        website: domain
            .filter(|_| chance(rng, 60))
            .map(|d| format!("https://www.{d}")),
        company,
        linkedin_url: chance(rng, 45).then(|| {
            let handle = fakes::local_part(first, last).replace('.', "-");
            format!(
                "https://www.linkedin.com/in/{handle}-{}",
                fakes::hex(rng, 6)
            )
        }),
        lead_temperature: Label(temperature(rng, score)),
        expected_close_date: close_date(rng, status, created),
        last_engagement_date: last_contact.map(Ts),
        status: Label(status),
        source: Label(weighted(rng, &SOURCES)),
        score,
        value: (status != "NEW" || chance(rng, 40)).then(|| deal_value(rng)),
        notes: chance(rng, 15).then(|| fakes::sentence(rng, 6, 20)),
        tags: Jsonb(tags(rng)),
        custom_fields: custom_fields(rng, world.clock, fields, created).jsonb(),
        first_contacted_at: first_contact.map(Ts),
        last_contacted_at: last_contact.map(Ts),
        created_at: Ts(created),
        updated_at: Ts(rng.random_range(created..=world.clock.anchor)),
        organization_id: tenant as i32 + 1,
        assigned_to_id: (assignee != 0).then_some(assignee as i32),
    }
}

fn score(rng: &mut SeedRng, status: &str) -> i32 {
    let (low, high) = match status {
        "NEW" => (5, 50),
        "CONTACTED" => (15, 60),
        "QUALIFIED" => (40, 80),
        "PROPOSAL" => (50, 90),
        "NEGOTIATION" => (60, 95),
        "CLOSED_WON" => (70, 100),
        _ => (0, 40),
    };
    rng.random_range(low..=high)
}

fn temperature(rng: &mut SeedRng, score: i32) -> &'static str {
    match score {
        70.. => weighted(rng, &[("hot", 70), ("warm", 30)]),
        40..70 => weighted(rng, &[("hot", 15), ("warm", 60), ("cold", 25)]),
        _ => weighted(rng, &[("warm", 25), ("cold", 75)]),
    }
}

/// First and last contact: none for a new lead; else the first within a month of creation
/// and the last not before it (ck_leads_contacted_order).
fn contacts(
    rng: &mut SeedRng,
    clock: Clock,
    status: &str,
    created: i64,
) -> (Option<i64>, Option<i64>) {
    if status == "NEW" {
        return (None, None);
    }
    let first = rng.random_range(created..=(created + 30 * DAY).min(clock.anchor));
    let last = rng.random_range(first..=clock.anchor);
    (Some(first), Some(last))
}

fn close_date(rng: &mut SeedRng, status: &str, created: i64) -> Option<Day> {
    let days = match status {
        "QUALIFIED" | "PROPOSAL" | "NEGOTIATION" => rng.random_range(30..180),
        "CLOSED_WON" | "CLOSED_LOST" => rng.random_range(10..200),
        _ => return None,
    };
    Some(Day((created / DAY + days) as i32))
}

/// A deal value in cents, log-uniform between $1,000 and $1,000,000.
fn deal_value(rng: &mut SeedRng) -> i32 {
    let exponent: f64 = rng.random_range(5.0..8.0);
    10f64.powf(exponent) as i32
}

fn tags(rng: &mut SeedRng) -> String {
    let count = weighted(rng, &[(0, 25), (1, 35), (2, 25), (3, 10), (4, 5)]);
    let mut chosen: Vec<&str> = Vec::with_capacity(count + 1);
    for _ in 0..count {
        let u: f64 = rng.random();
        let tag = TAGS[((u.powi(4) * TAGS.len() as f64) as usize).min(TAGS.len() - 1)];
        if !chosen.contains(&tag) {
            chosen.push(tag);
        }
    }
    if rng.random_range(0..1000) == 0 {
        chosen.push(RARE_TAG);
    }
    string_array(chosen)
}

/// Values for the tenant's fields: required ones always, the others on 70% of leads. Dates
/// and times lie after the lead's creation, so they move with the clock.
fn custom_fields<'a>(
    rng: &mut SeedRng,
    clock: Clock,
    fields: impl Iterator<Item = &'a Field>,
    created: i64,
) -> Object {
    let mut object = Object::new();
    for field in fields {
        if field.required || chance(rng, 70) {
            object = field_value(rng, clock, object, field, created);
        }
    }
    object
}

fn field_value(
    rng: &mut SeedRng,
    clock: Clock,
    object: Object,
    field: &Field,
    created: i64,
) -> Object {
    let key = field.key;
    match field.kind {
        "dropdown" | "radio" => object.str(key, pick(rng, field.options)),
        "checkbox" => {
            let first = pick(rng, field.options);
            let second = pick(rng, field.options);
            let chosen = if first == second {
                vec![first]
            } else {
                vec![first, second]
            };
            object.raw(key, &string_array(chosen))
        }
        "number" => object.int(key, rng.random_range(1..5_000)),
        "currency" => object.int(key, i64::from(deal_value(rng))),
        "decimal" => object.raw(key, &format!("{:.1}", rng.random_range(0.0..10.0))),
        "boolean" => object.bool(key, chance(rng, 50)),
        "date" => object.str(key, &iso_date(created + rng.random_range(0..400) * DAY)),
        "datetime" => {
            let at = rng.random_range(created..=clock.anchor);
            let seconds = at.rem_euclid(DAY) / 1_000_000;
            let time = format!("T{:02}:{:02}:00Z", seconds / 3600, seconds / 60 % 60);
            object.str(key, &(iso_date(at) + &time))
        }
        "url" => object.str(
            key,
            &format!("https://ref.example.com/{}", fakes::hex(rng, 8)),
        ),
        "email" => object.str(key, &format!("{}@example.org", fakes::hex(rng, 10))),
        "phone" => object.str(key, &fakes::phone(rng)),
        _ => object.str(key, &fakes::sentence(rng, 3, 12)),
    }
}

copy_row! {
    Table::LeadNotes,
    "lead_notes",
    /// One row of `lead_notes`.
    #[derive(Debug)]
    pub struct Note {
        id: i32,
        organization_id: i32,
        lead_id: i32,
        user_id: Option<i32>,
        content: String,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Notes on leads, skewed: a few leads have many, most have none.
pub fn lead_notes(world: &World, count: u64) -> impl Iterator<Item = Note> + Send + '_ {
    let mut rng = world.rng("lead_notes");
    (1..=count).map(move |id| {
        let lead = world.skewed_lead(&mut rng);
        let user = world.actor(&mut rng, lead);
        let created = world.after_created(&mut rng, lead);
        Note {
            id: id as i32,
            organization_id: world.org_of(lead),
            lead_id: lead as i32,
            user_id: (user != 0).then_some(user as i32),
            content: fakes::sentence(&mut rng, 5, 30),
            created_at: Ts(created),
            updated_at: Ts(if chance(&mut rng, 80) {
                created
            } else {
                rng.random_range(created..=world.clock.anchor)
            }),
        }
    })
}

const SCORE_REASONS: [&str; 6] = [
    "scoring rules re-evaluated",
    "opened a campaign e-mail",
    "visited the pricing page",
    "attended a webinar",
    "no engagement for 30 days",
    "manual adjustment",
];

copy_row! {
    Table::LeadScoreHistory,
    "lead_score_history",
    /// One row of `lead_score_history`.
    #[derive(Debug)]
    pub struct ScoreChange {
        id: i64,
        organization_id: i32,
        lead_id: i32,
        old_score: Option<i32>,
        new_score: i32,
        reason: &'static str,
        changed_at: Ts,
    }
}

/// Score changes, skewed over leads like their activity.
pub fn lead_score_history(
    world: &World,
    count: u64,
) -> impl Iterator<Item = ScoreChange> + Send + '_ {
    let mut rng = world.rng("lead_score_history");
    (1..=count).map(move |id| {
        let lead = world.skewed_lead(&mut rng);
        let old = chance(&mut rng, 75).then(|| rng.random_range(0..=100));
        let delta = rng.random_range(-20..=25);
        ScoreChange {
            id: id as i64,
            organization_id: world.org_of(lead),
            lead_id: lead as i32,
            old_score: old,
            new_score: (old.unwrap_or(20) + delta).clamp(0, 100),
            reason: pick(&mut rng, &SCORE_REASONS),
            changed_at: Ts(world.after_created(&mut rng, lead)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::super::rng;
    use super::*;

    #[test]
    fn tags_are_a_json_array_of_distinct_strings() {
        let mut rng = rng::stream(3, "tags");
        for _ in 0..200 {
            let value: serde_json::Value = serde_json::from_str(&tags(&mut rng)).unwrap();
            let items = value.as_array().unwrap();
            assert!(items.len() <= 5);
            let mut names: Vec<&str> = items.iter().map(|t| t.as_str().unwrap()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), items.len());
        }
    }
}
