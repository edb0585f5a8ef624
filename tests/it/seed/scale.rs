//! How much and what shape: the planned row counts at each size, and the data's skew.

use lma::seed::plan::{Plan, Scale, LARGEST_TENANT_SHARE};
use lma::seed::tables::Table;

use super::{assert_counts_follow, count, row_counts, seed_db};
use crate::support::{json, TestDb};

#[tokio::test]
async fn tiny_loads_exactly_the_planned_rows() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--scale", "tiny", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(output.status.code(), Some(0));
    let plan = Plan::new(Scale::Tiny.leads());
    let counts = row_counts(&db.client().await).await;
    assert_counts_follow(&plan, &counts);
    assert_eq!(report["total"]["rows"].as_u64(), Some(plan.total_rows()));
    assert_eq!(report["scale"], "tiny");
}

#[tokio::test]
async fn leads_scale_the_other_tables_as_the_plan_says() {
    let db = TestDb::migrated().await;
    let output = db
        .lma()
        .args(["seed", "--leads", "3000", "-q"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan = Plan::new(3_000);
    let counts = row_counts(&db.client().await).await;
    assert_counts_follow(&plan, &counts);
    let rows = |table: Table| counts.iter().find(|(t, _)| *t == table).unwrap().1;
    assert_eq!(rows(Table::Leads), 3_000);
    assert_eq!(rows(Table::Communications), 3 * rows(Table::Leads));
    assert!(rows(Table::ActivityLogs) >= 2 * rows(Table::Leads));
    assert!(rows(Table::Users) * 20 < rows(Table::Leads));
    assert!(rows(Table::CampaignLeads) <= rows(Table::Leads) / 2);
    assert!(rows(Table::Organizations) >= 3);
}

#[tokio::test]
async fn the_data_has_the_planned_shape() {
    let db = TestDb::migrated().await;
    seed_db(&db, 5_000, 42).await;
    let client = db.client().await;
    let share = |sql: &'static str| {
        let client = &client;
        async move { client.query_one(sql, &[]).await.unwrap().get::<_, f64>(0) }
    };
    let largest = share("SELECT max(n)::float8 / sum(n) FROM (SELECT count(*) AS n FROM leads GROUP BY organization_id) AS t").await;
    assert!(
        largest >= LARGEST_TENANT_SHARE - 0.01,
        "largest tenant holds {largest}"
    );
    let unassigned = share("SELECT avg((assigned_to_id IS NULL)::int)::float8 FROM leads").await;
    assert!(
        (0.17..0.23).contains(&unassigned),
        "unassigned {unassigned}"
    );
    let failed =
        share("SELECT avg((status = 'error')::int)::float8 FROM workflow_executions").await;
    assert!((0.04..0.12).contains(&failed), "failed executions {failed}");
    let tag_skew = share(
        "SELECT max(n)::float8 / percentile_disc(0.5) WITHIN GROUP (ORDER BY n)
         FROM (SELECT count(*) AS n FROM leads, jsonb_array_elements_text(tags) AS tag GROUP BY tag) AS t",
    )
    .await;
    assert!(tag_skew > 10.0, "most common tag / median tag = {tag_skew}");
    let comm_skew = share(
        "SELECT max(n)::float8 / avg(n) FROM (SELECT count(*) AS n FROM communications GROUP BY lead_id) AS t",
    )
    .await;
    assert!(comm_skew > 10.0, "busiest lead / average = {comm_skew}");
    let facts = [
        // Upcoming communications exist (scheduled_at >= now()).
        "SELECT (count(*) = 0)::int::int8 FROM communications WHERE status = 'scheduled' AND scheduled_at >= now()",
        // custom_fields keys are a subset of the tenant's definitions ...
        "SELECT count(*) FROM leads AS l, jsonb_object_keys(l.custom_fields) AS k
         WHERE NOT EXISTS (SELECT 1 FROM custom_field_definitions AS d
                           WHERE d.organization_id = l.organization_id AND d.field_key = k)",
        // ... and every required field is filled in.
        "SELECT count(*) FROM leads AS l JOIN custom_field_definitions AS d
           ON d.organization_id = l.organization_id AND d.is_required
         WHERE NOT l.custom_fields ? d.field_key",
        // Every status and source occurs; activity spans the two years.
        "SELECT 7 - count(DISTINCT status) FROM leads",
        "SELECT 8 - count(DISTINCT source) FROM leads",
        "SELECT (max(created_at) - min(created_at) < interval '700 days')::int::int8 FROM activity_logs",
    ];
    for sql in facts {
        assert_eq!(count(&client, sql).await, 0, "{sql}");
    }
}
