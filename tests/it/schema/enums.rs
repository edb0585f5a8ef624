//! The nine enum types of design doc 001, read back from pg_enum.

use crate::support::TestDb;

/// Design doc 001's "Enumeration Types", label for label: order and case matter.
const SEED_ENUMS: [(&str, &[&str]); 9] = [
    (
        "user_role_enum",
        &["ADMIN", "MANAGER", "SALES_REP", "VIEWER"],
    ),
    (
        "lead_status_enum",
        &[
            "NEW",
            "CONTACTED",
            "QUALIFIED",
            "PROPOSAL",
            "NEGOTIATION",
            "CLOSED_WON",
            "CLOSED_LOST",
        ],
    ),
    (
        "lead_source_enum",
        &[
            "WEBSITE",
            "EMAIL",
            "SOCIAL_MEDIA",
            "REFERRAL",
            "ADVERTISING",
            "COLD_OUTREACH",
            "EVENT",
            "OTHER",
        ],
    ),
    ("lead_temperature_enum", &["hot", "warm", "cold"]),
    (
        "communication_type_enum",
        &["email", "call", "meeting", "linkedin", "sms"],
    ),
    ("communication_direction_enum", &["inbound", "outbound"]),
    (
        "communication_status_enum",
        &["scheduled", "completed", "failed", "cancelled"],
    ),
    (
        "campaign_status_enum",
        &["draft", "active", "paused", "completed", "cancelled"],
    ),
    (
        "integration_status_enum",
        &["active", "inactive", "error", "expired"],
    ),
];

#[tokio::test]
async fn every_enum_has_exactly_the_labels_of_seed_001_in_order_and_case() {
    let db = TestDb::migrated().await;
    let client = db.client().await;
    let rows = client
        .query(
            "SELECT t.typname::text, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
             FROM pg_type AS t JOIN pg_enum AS e ON e.enumtypid = t.oid \
             WHERE t.typnamespace = 'public'::regnamespace \
             GROUP BY t.typname ORDER BY t.typname",
            &[],
        )
        .await
        .unwrap();
    let mut actual: Vec<(String, Vec<String>)> =
        rows.iter().map(|row| (row.get(0), row.get(1))).collect();
    let mut expected: Vec<(String, Vec<String>)> = SEED_ENUMS
        .iter()
        .map(|(name, labels)| {
            (
                (*name).to_owned(),
                labels.iter().map(|l| (*l).to_owned()).collect(),
            )
        })
        .collect();
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected);
}
