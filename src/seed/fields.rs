//! The custom field catalog: the fields tenants define (custom_field_definitions) and leads
//! fill in (leads.custom_fields).

/// A custom field every tenant may define: key, label, type, choices, required.
#[derive(Debug)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub options: &'static [&'static str],
    pub required: bool,
}

const fn field(key: &'static str, label: &'static str, kind: &'static str) -> Field {
    Field {
        key,
        label,
        kind,
        options: &[],
        required: false,
    }
}

/// The catalog tenants draw their custom fields from; tenant k defines fields k, k+1, ...
pub const FIELDS: [Field; 14] = [
    Field {
        key: "industry",
        label: "Industry",
        kind: "dropdown",
        options: &[
            "saas",
            "fintech",
            "healthcare",
            "retail",
            "manufacturing",
            "education",
        ],
        required: true,
    },
    field("company_size", "Company size", "number"),
    field("annual_budget", "Annual budget", "currency"),
    Field {
        key: "region",
        label: "Region",
        kind: "radio",
        options: &["emea", "amer", "apac"],
        required: false,
    },
    field("newsletter_opt_in", "Newsletter opt-in", "boolean"),
    field("linkedin_followers", "LinkedIn followers", "number"),
    field("renewal_date", "Renewal date", "date"),
    Field {
        key: "interests",
        label: "Interests",
        kind: "checkbox",
        options: &["product", "pricing", "integrations", "security", "support"],
        required: false,
    },
    field("referral_url", "Referral URL", "url"),
    field("decision_maker", "Decision maker", "boolean"),
    field("last_webinar", "Last webinar", "datetime"),
    field("internal_notes", "Internal notes", "textarea"),
    field("backup_email", "Backup e-mail", "email"),
    field("nps_score", "NPS score", "decimal"),
];

/// The fields tenant `tenant` defines: `count` catalog entries from its own index on, so
/// tenants differ and keys are unique within each.
pub fn tenant_fields(tenant: usize, count: u32) -> impl Iterator<Item = &'static Field> {
    (0..count as usize).map(move |j| &FIELDS[(tenant + j) % FIELDS.len()])
}
