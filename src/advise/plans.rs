//! The plans advise compares: the estimated cost of a query for each parameter sample (custom
//! plans, as `lma check` binds the samples), and one generic plan under EXPLAIN VERBOSE, where
//! parameters stay `$n` and so tell a constant of the query (`status = 'NEW'`) from a value.

use anyhow::{bail, Context as _};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, Statement};

use crate::check::catalog::Check;
use crate::check::plan::{self, Explain};
use crate::check::runner::TextParam;

/// The prepared statement name of the generic plan; one at a time per session.
const PREPARED: &str = "lma_advise";

/// A query and its samples, ready to be costed again and again.
pub struct Costing {
    statement: Statement,
    samples: Vec<Vec<Option<String>>>,
}

/// What the planner estimated for every sample.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The mean estimated total cost over the samples.
    pub cost: f64,
    pub plans: Vec<Explain>,
}

impl Evaluation {
    /// How many samples' plans read this index.
    #[must_use]
    pub fn used_by(&self, index: &str) -> usize {
        self.plans
            .iter()
            .filter(|e| e.plan.indexes().iter().any(|u| u.index == index))
            .count()
    }

    /// The first sample's plan shape, with `from` renamed `to` (a hypothetical index's name).
    #[must_use]
    pub fn fingerprint(&self, rename: Option<(&str, &str)>) -> String {
        let text = self
            .plans
            .first()
            .map(|e| e.plan.fingerprint())
            .unwrap_or_default();
        match rename {
            Some((from, to)) => text.replace(from, to),
            None => text,
        }
    }
}

impl Costing {
    /// Prepares `EXPLAIN (FORMAT JSON)` of the check's query; the samples must fit its
    /// parameters.
    pub async fn prepare(
        client: &Client,
        check: &Check,
        samples: Vec<Vec<Option<String>>>,
    ) -> anyhow::Result<Self> {
        let sql = format!("EXPLAIN (FORMAT JSON) {}", check.sql);
        let statement = client
            .prepare(&sql)
            .await
            .with_context(|| format!("{}: the query does not prepare", check.name))?;
        let expected = statement.params().len();
        if let Some(bad) = samples.iter().find(|s| s.len() != expected) {
            bail!(
                "{}: {} parameter value(s) given, the query takes {expected}",
                check.name,
                bad.len()
            );
        }
        Ok(Self { statement, samples })
    }

    /// The samples.
    #[must_use]
    pub fn samples(&self) -> &[Vec<Option<String>>] {
        &self.samples
    }

    /// Plans every sample as the session stands (with its hypothetical indexes).
    pub async fn evaluate(&self, client: &Client) -> anyhow::Result<Evaluation> {
        let mut plans = Vec::with_capacity(self.samples.len());
        for sample in &self.samples {
            let params: Vec<TextParam> = sample.iter().map(|v| TextParam(v.as_deref())).collect();
            let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
            let row = client
                .query_one(&self.statement, &refs)
                .await
                .context("EXPLAIN failed")?;
            let json: serde_json::Value = row.try_get(0)?;
            plans.push(plan::parse(&json)?);
        }
        #[allow(clippy::cast_precision_loss)]
        let cost = plans.iter().map(|e| e.plan.total_cost).sum::<f64>() / plans.len().max(1) as f64;
        Ok(Evaluation { cost, plans })
    }
}

/// The generic plan of the check's query under EXPLAIN VERBOSE: PREPARE, then EXECUTE with
/// `plan_cache_mode = force_generic_plan` (PostgreSQL 16's `EXPLAIN (GENERIC_PLAN)` in a way
/// that works from 12 on). The first sample's values are passed, quoted by the server, but a
/// generic plan does not look at them.
pub async fn generic(
    client: &Client,
    check: &Check,
    sample: &[Option<String>],
) -> anyhow::Result<Explain> {
    let mut literals = Vec::with_capacity(sample.len());
    for value in sample {
        let row = client
            .query_one("SELECT quote_nullable($1::text)", &[value])
            .await
            .context("cannot quote a parameter value")?;
        literals.push(row.try_get::<_, String>(0)?);
    }
    let execute = if literals.is_empty() {
        format!("EXECUTE {PREPARED}")
    } else {
        format!("EXECUTE {PREPARED}({})", literals.join(", "))
    };
    // The catalog's or the user's own query, as `lma check` runs it.
    client
        .batch_execute(&format!("PREPARE {PREPARED} AS {}", check.sql))
        .await
        .with_context(|| format!("{}: the query does not prepare", check.name))?;
    let result = async {
        client
            .batch_execute("SET plan_cache_mode = force_generic_plan")
            .await?;
        let row = client
            .query_one(&format!("EXPLAIN (VERBOSE, FORMAT JSON) {execute}"), &[])
            .await?;
        anyhow::Ok(row.try_get::<_, serde_json::Value>(0)?)
    }
    .await;
    client
        .batch_execute(&format!("RESET plan_cache_mode; DEALLOCATE {PREPARED}"))
        .await
        .context("cannot drop the prepared statement")?;
    let json = result.with_context(|| format!("{}: no generic plan", check.name))?;
    plan::parse(&json)
}

/// The planner's row estimate of a table under a predicate (all rows without one).
pub async fn estimated_rows(
    client: &Client,
    table: &str,
    predicate: Option<&str>,
) -> anyhow::Result<f64> {
    // Both come from the catalog and the plan's deparsed text, never from user input.
    let sql = match predicate {
        Some(predicate) => format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} WHERE {predicate}"),
        None => format!("EXPLAIN (FORMAT JSON) SELECT 1 FROM {table}"),
    };
    let row = client
        .query_one(&sql, &[])
        .await
        .with_context(|| format!("cannot estimate the rows of {table}"))?;
    let json: serde_json::Value = row.try_get(0)?;
    Ok(plan::parse(&json)?.plan.plan_rows)
}
