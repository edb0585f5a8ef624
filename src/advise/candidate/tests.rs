//! The candidates derived from plan conditions, without a database.

use super::*;
use crate::advise::conditions::{conjuncts, SortKey};

fn access(filter: &str, sort: &[(&str, bool)], output: &[&str]) -> Access {
    Access {
        schema: "public".into(),
        table: "leads".into(),
        alias: "leads".into(),
        conjuncts: conjuncts(filter),
        sort: sort
            .iter()
            .map(|(c, desc)| SortKey {
                column: (*c).into(),
                desc: *desc,
                nulls: None,
            })
            .collect(),
        output: output.iter().map(|&c| c.to_owned()).collect(),
    }
}

fn columns(names: &[(&str, &str)]) -> Vec<Column> {
    names
        .iter()
        .map(|(n, t)| Column {
            name: (*n).into(),
            type_name: (*t).into(),
        })
        .collect()
}

#[test]
fn the_assignment_queue_gets_tenant_then_order_partial_on_its_constants() {
    let a = access(
        "((assigned_to_id IS NULL) AND (organization_id = $1) AND (status = 'NEW'::lead_status))",
        &[("score", true), ("id", false)],
        &["id", "first_name", "score"],
    );
    let cols = columns(&[("organization_id", "bigint"), ("score", "integer")]);
    let found = derive(&a, &cols, Extensions::default());
    let bodies: Vec<String> = found.iter().map(|c| c.body("leads")).collect();
    assert_eq!(
        bodies[0],
        "ON leads USING btree (organization_id, score DESC, id) WHERE assigned_to_id IS NULL AND (status = 'NEW'::lead_status)"
    );
    assert_eq!(
        bodies[1],
        "ON leads USING btree (organization_id, assigned_to_id, status, score DESC, id)"
    );
    assert!(
        bodies.contains(&"ON leads USING btree (organization_id, score DESC, id) INCLUDE (first_name) WHERE assigned_to_id IS NULL AND (status = 'NEW'::lead_status)".to_owned()),
        "{bodies:#?}"
    );
    assert_eq!(
        found[0].default_name(),
        "idx_leads_organization_id_score_id_partial"
    );
}

#[test]
fn containment_on_jsonb_gets_gin_and_the_tenant_leads_it_with_btree_gin() {
    let a = access(
        "((organization_id = $1) AND (custom_fields @> $2))",
        &[],
        &[],
    );
    let cols = columns(&[("organization_id", "bigint"), ("custom_fields", "jsonb")]);
    let ext = Extensions {
        btree_gin: true,
        pg_trgm: true,
    };
    let gins: Vec<String> = derive(&a, &cols, ext)
        .iter()
        .filter(|c| c.method == Method::Gin)
        .map(|c| c.body("leads"))
        .collect();
    assert_eq!(
        gins,
        [
            "ON leads USING gin (organization_id, custom_fields jsonb_path_ops)",
            "ON leads USING gin (custom_fields jsonb_path_ops)"
        ]
    );
}
