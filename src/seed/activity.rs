//! The high-volume history of leads: communications (including scheduled future ones) and
//! the activity log.

use rand::RngExt as _;

use super::copy::{copy_row, Jsonb, Label, Ts};
use super::fakes;
use super::json::Object;
use super::rng::{chance, pick, weighted, SeedRng};
use super::tables::Table;
use super::world::{World, DAY, SCHEDULED_DAYS};

/// The share of communications that are scheduled (status 'scheduled', in the future).
pub const SCHEDULED_PERCENT: u32 = 13;

copy_row! {
    Table::Communications,
    "communications",
    /// One row of `communications`.
    #[derive(Debug)]
    pub struct Communication {
        id: i64,
        organization_id: i32,
        lead_id: i32,
        user_id: Option<i32>,
        communication_type: Label,
        direction: Label,
        subject: Option<String>,
        content: String,
        status: Label,
        scheduled_at: Option<Ts>,
        completed_at: Option<Ts>,
        comm_metadata: Jsonb,
        created_at: Ts,
        updated_at: Ts,
    }
}

/// Communications, skewed over leads. Scheduled ones lie in the half year after the clock's
/// `future`, so with today's anchor they are "upcoming" (see the world's module comment).
pub fn communications(
    world: &World,
    count: u64,
) -> impl Iterator<Item = Communication> + Send + '_ {
    let mut rng = world.rng("communications");
    (1..=count).map(move |id| communication(&mut rng, world, id as i64))
}

fn communication(rng: &mut SeedRng, world: &World, id: i64) -> Communication {
    let lead = world.skewed_lead(rng);
    let user = world.actor(rng, lead);
    let kind = weighted(
        rng,
        &[
            ("email", 50),
            ("call", 20),
            ("meeting", 10),
            ("linkedin", 12),
            ("sms", 8),
        ],
    );
    let status = if chance(rng, SCHEDULED_PERCENT) {
        "scheduled"
    } else {
        weighted(rng, &[("completed", 87), ("failed", 6), ("cancelled", 4)])
    };
    let created = world.after_created(rng, lead);
    let scheduled = (status == "scheduled")
        .then(|| world.clock.future + rng.random_range(0..SCHEDULED_DAYS * DAY));
    let completed = (status == "completed").then(|| created + rng.random_range(0..3_600_000_000));
    Communication {
        id,
        organization_id: world.org_of(lead),
        lead_id: lead as i32,
        user_id: (user != 0).then_some(user as i32),
        communication_type: Label(kind),
        direction: Label(weighted(rng, &[("outbound", 70), ("inbound", 30)])),
        subject: (matches!(kind, "email" | "meeting") || chance(rng, 20))
            .then(|| fakes::sentence(rng, 3, 8)),
        content: fakes::sentence(rng, 8, 40),
        status: Label(status),
        scheduled_at: scheduled.map(Ts),
        completed_at: completed.map(Ts),
        comm_metadata: metadata(rng, kind, id).jsonb(),
        created_at: Ts(created),
        updated_at: Ts(completed.unwrap_or(created)),
    }
}

fn metadata(rng: &mut SeedRng, kind: &str, id: i64) -> Object {
    match kind {
        "email" => Object::new()
            .str(
                "message_id",
                &format!("<{id}.{}@mail.example.com>", fakes::hex(rng, 12)),
            )
            .str("provider", pick(rng, &["gmail", "outlook", "smtp"]))
            .bool("opened", chance(rng, 45)),
        "call" => Object::new().int("duration_seconds", rng.random_range(20..3_600)),
        "meeting" => Object::new()
            .str(
                "location",
                pick(rng, &["zoom", "teams", "google_meet", "office"]),
            )
            .int("duration_minutes", pick(rng, &[15, 30, 45, 60])),
        _ => Object::new(),
    }
}

const LEAD_ACTIVITIES: [(&str, u32); 10] = [
    ("lead_updated", 20),
    ("email_sent", 18),
    ("status_changed", 12),
    ("lead_created", 10),
    ("note_added", 8),
    ("call_logged", 8),
    ("lead_assigned", 8),
    ("tag_added", 6),
    ("meeting_scheduled", 5),
    ("score_changed", 5),
];

const TENANT_ACTIVITIES: [(&str, u32); 5] = [
    ("login", 40),
    ("report_viewed", 35),
    ("leads_imported", 10),
    ("leads_exported", 10),
    ("settings_changed", 5),
];

/// The share of activity that concerns the tenant rather than one lead.
const TENANT_ACTIVITY_PERCENT: u32 = 10;

copy_row! {
    Table::ActivityLogs,
    "activity_logs",
    /// One row of `activity_logs`.
    #[derive(Debug)]
    pub struct Activity {
        id: i64,
        organization_id: i32,
        lead_id: Option<i32>,
        user_id: Option<i32>,
        activity_type: &'static str,
        details: Jsonb,
        created_at: Ts,
    }
}

/// The activity log over two years: mostly about leads (skewed), some about the tenant.
pub fn activity_logs(world: &World, count: u64) -> impl Iterator<Item = Activity> + Send + '_ {
    let mut rng = world.rng("activity_logs");
    (1..=count).map(move |id| activity(&mut rng, world, id as i64))
}

fn activity(rng: &mut SeedRng, world: &World, id: i64) -> Activity {
    let lead = world.skewed_lead(rng);
    let about_lead = !chance(rng, TENANT_ACTIVITY_PERCENT);
    let (activity_type, user, created) = if about_lead {
        let kind = weighted(rng, &LEAD_ACTIVITIES);
        (kind, world.actor(rng, lead), world.after_created(rng, lead))
    } else {
        let users = world.tenant_of(lead).users;
        let user = users.first + rng.random_range(0..users.count);
        (
            weighted(rng, &TENANT_ACTIVITIES),
            user,
            rng.random_range(world.clock.start..world.clock.anchor),
        )
    };
    Activity {
        id,
        organization_id: world.org_of(lead),
        lead_id: about_lead.then_some(lead as i32),
        user_id: (user != 0).then_some(user as i32),
        activity_type,
        details: details(rng, activity_type).jsonb(),
        created_at: Ts(created),
    }
}

fn details(rng: &mut SeedRng, activity_type: &str) -> Object {
    let object = Object::new().str(
        "via",
        pick(rng, &["web", "web", "api", "workflow", "mobile"]),
    );
    match activity_type {
        "status_changed" => object
            .str("from", pick(rng, &["NEW", "CONTACTED", "QUALIFIED"]))
            .str(
                "to",
                pick(rng, &["CONTACTED", "QUALIFIED", "PROPOSAL", "CLOSED_LOST"]),
            ),
        "lead_updated" => object.str(
            "field",
            pick(rng, &["phone", "company", "job_title", "value"]),
        ),
        "score_changed" => object.int("delta", rng.random_range(-20..=25)),
        "tag_added" => object.str("tag", pick(rng, &super::leads::TAGS)),
        "leads_imported" | "leads_exported" => object.int("rows", rng.random_range(10..5_000)),
        _ => object,
    }
}
