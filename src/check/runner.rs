//! Running a check: the pinned session settings, the parameter samples, and the EXPLAIN
//! (ANALYZE, BUFFERS) runs through the extended protocol with the samples bound as parameters.
//!
//! Each parameter is bound in text format with the type the server inferred when it prepared the
//! statement, exactly as `EXECUTE stmt('42', 'vip')` would: the params query's values need no
//! casts and no Rust type per column. EXPLAIN of a bound statement is planned for those values
//! (a custom plan), which is what the application gets for its first five executions.
//!
//! Checks never change data: every execution of a check's query and of its params query runs in
//! its own transaction, which is rolled back, and which is READ ONLY unless the check declares
//! `-- writes: true` (EXPLAIN ANALYZE of a DELETE deletes, hence the rollback even then).

use std::error::Error;
use std::future::Future;

use anyhow::{bail, Context as _};
use bytes::BytesMut;
use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::types::{Format, IsNull, ToSql, Type};
use tokio_postgres::{Client, SimpleQueryMessage};

use super::catalog::Check;
use super::plan::{self, Explain};

/// How the session is set up before any check runs.
#[derive(Debug, Clone, Default)]
pub struct SessionOptions {
    pub jit: bool,
    pub max_parallel_workers_per_gather: u32,
    /// Further settings, e.g. `enable_indexscan = off`, from `[check.settings]` and `--set`.
    pub settings: Vec<(String, String)>,
    /// Run the checks as `lma_app`, under row-level security.
    pub as_app_role: bool,
}

/// A setting as the session ended up with it.
#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub name: String,
    pub value: String,
}

/// How many runs: warm-up runs first, then measured ones, cycling through the samples.
#[derive(Debug, Clone, Copy)]
pub struct Runs {
    pub warmup: u32,
    pub iterations: u32,
}

/// What the measured runs of one check produced.
#[derive(Debug)]
pub struct Measurement {
    /// The parameter samples, as text.
    pub samples: Vec<Vec<Option<String>>>,
    /// The last measured plan of each sample, in sample order.
    pub plans: Vec<Explain>,
    /// Server time (planning + execution) of every measured run.
    pub times_ms: Vec<f64>,
}

/// Pins the settings and reports them, as read back from the server.
pub async fn prepare_session(
    client: &Client,
    options: &SessionOptions,
) -> anyhow::Result<Vec<Setting>> {
    let jit = if options.jit { "on" } else { "off" };
    let workers = options.max_parallel_workers_per_gather.to_string();
    let mut pinned = vec![
        ("jit".to_owned(), jit.to_owned()),
        ("max_parallel_workers_per_gather".to_owned(), workers),
    ];
    pinned.extend(options.settings.iter().cloned());
    for (name, value) in &pinned {
        client
            .query_one("SELECT set_config($1, $2, false)", &[name, value])
            .await
            .with_context(|| format!("cannot set {name} = {value}"))?;
    }
    // Superuser-only; timings of reads are a bonus, not a requirement.
    let _ = client.batch_execute("SET track_io_timing = on").await;
    let mut names: Vec<String> = pinned.into_iter().map(|(name, _)| name).collect();
    names.push("track_io_timing".to_owned());
    let mut settings = Vec::new();
    for name in names {
        let row = client
            .query_one("SELECT current_setting($1)", &[&name])
            .await
            .with_context(|| format!("cannot read setting {name}"))?;
        settings.push(Setting {
            name,
            value: row.try_get(0)?,
        });
    }
    Ok(settings)
}

/// The parameter samples: one row per sample, each value as text (NULL as `None`); one empty
/// sample for a check without a params query.
pub async fn samples(client: &Client, check: &Check) -> anyhow::Result<Vec<Vec<Option<String>>>> {
    let Some(sql) = &check.params else {
        return Ok(vec![Vec::new()]);
    };
    // The extended protocol parses one statement only: a `COMMIT; DELETE …` cannot slip out of
    // the rolled-back transaction the simple protocol then runs it in.
    client
        .prepare(sql)
        .await
        .with_context(|| format!("check {}: the params query does not prepare", check.name))?;
    let messages = rolled_back(client, check, "the params query", || async {
        Ok(client.simple_query(sql).await?)
    })
    .await
    .with_context(|| format!("check {}: the params query failed", check.name))?;
    let rows: Vec<Vec<Option<String>>> = messages
        .iter()
        .filter_map(|message| match message {
            SimpleQueryMessage::Row(row) => Some(
                (0..row.len())
                    .map(|i| row.get(i).map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    Ok(rows)
}

/// Runs `body` in a transaction that is always rolled back: READ ONLY unless the check declares
/// `-- writes: true`. A write in a read-only transaction (SQLSTATE 25006) becomes a sentence
/// naming the check and what wrote (`what`: "the query" or "the params query").
async fn rolled_back<T, F, Fut>(
    client: &Client,
    check: &Check,
    what: &str,
    body: F,
) -> anyhow::Result<T>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let begin = if check.writes {
        "BEGIN READ WRITE"
    } else {
        "BEGIN READ ONLY"
    };
    client
        .batch_execute(begin)
        .await
        .with_context(|| format!("check {}: cannot begin a transaction", check.name))?;
    let result = body().await;
    let rollback = client.batch_execute("ROLLBACK").await;
    let value = result.map_err(|err| undeclared_write(check, what, err))?;
    rollback.with_context(|| format!("check {}: cannot roll back", check.name))?;
    Ok(value)
}

fn undeclared_write(check: &Check, what: &str, err: anyhow::Error) -> anyhow::Error {
    let read_only = err
        .downcast_ref::<tokio_postgres::Error>()
        .and_then(tokio_postgres::Error::as_db_error)
        .filter(|db| db.code() == &SqlState::READ_ONLY_SQL_TRANSACTION);
    match read_only {
        Some(db) => anyhow::anyhow!(
            "check {} writes: {what} failed with \"{}\" because checks run read-only. \
             Declare `-- writes: true` in its header if the write is intended (it is still \
             rolled back)",
            check.name,
            db.message()
        ),
        None => err,
    }
}

/// Runs the check: warm-up, then measured EXPLAIN ANALYZE runs across the samples.
pub async fn measure(
    client: &Client,
    check: &Check,
    samples: Vec<Vec<Option<String>>>,
    runs: Runs,
    as_app_role: bool,
) -> anyhow::Result<Measurement> {
    // The catalog's own SQL, never user input: EXPLAIN cannot take the query as a parameter.
    let sql = format!("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {}", check.sql);
    let statement = client
        .prepare(&sql)
        .await
        .with_context(|| format!("check {}: the query does not prepare", check.name))?;
    let expected = statement.params().len();
    if let Some(bad) = samples.iter().find(|s| s.len() != expected) {
        bail!(
            "check {}: the params query gives {} values per sample, the query takes {expected}",
            check.name,
            bad.len()
        );
    }
    if as_app_role {
        client.batch_execute("SET ROLE lma_app").await?;
    }
    let result = run_all(client, check, &statement, &samples, runs, as_app_role).await;
    if as_app_role {
        client.batch_execute("RESET ROLE").await?;
    }
    let (plans, times_ms) = result?;
    Ok(Measurement {
        samples,
        plans,
        times_ms,
    })
}

async fn run_all(
    client: &Client,
    check: &Check,
    statement: &tokio_postgres::Statement,
    samples: &[Vec<Option<String>>],
    runs: Runs,
    as_app_role: bool,
) -> anyhow::Result<(Vec<Explain>, Vec<f64>)> {
    let n = samples.len();
    for i in 0..runs.warmup as usize {
        run_once(client, check, statement, &samples[i % n], as_app_role).await?;
    }
    let measured = (runs.iterations as usize).max(n);
    let mut plans: Vec<Option<Explain>> = vec![None; n];
    let mut times = Vec::with_capacity(measured);
    for i in 0..measured {
        let explain = run_once(client, check, statement, &samples[i % n], as_app_role)
            .await
            .with_context(|| format!("check {}: sample {:?}", check.name, samples[i % n]))?;
        times.push(explain.total_ms());
        plans[i % n] = Some(explain);
    }
    Ok((plans.into_iter().flatten().collect(), times))
}

/// One EXPLAIN ANALYZE of the prepared statement with one sample bound, rolled back.
pub async fn run_once(
    client: &Client,
    check: &Check,
    statement: &tokio_postgres::Statement,
    sample: &[Option<String>],
    as_app_role: bool,
) -> anyhow::Result<Explain> {
    let params: Vec<TextParam> = sample.iter().map(|v| TextParam(v.as_deref())).collect();
    let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
    let row = rolled_back(client, check, "the query", || async {
        if as_app_role {
            // RLS reads the tenant from the session; the first parameter is always the tenant.
            // Set inside the transaction: a rollback would undo it when set before.
            let tenant = sample.first().cloned().flatten().unwrap_or_default();
            client
                .query_one(
                    "SELECT set_config('lma.organization_id', $1, false)",
                    &[&tenant],
                )
                .await?;
        }
        Ok(client.query_one(statement, &refs).await?)
    })
    .await?;
    let json: serde_json::Value = row.try_get(0)?;
    plan::parse(&json)
}

/// A parameter sent as text, for the server to parse as whatever type it inferred.
#[derive(Debug)]
pub struct TextParam<'a>(pub Option<&'a str>);

impl ToSql for TextParam<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self.0 {
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
            None => Ok(IsNull::Yes),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    tokio_postgres::types::to_sql_checked!();
}

/// The value at quantile `q` (0..=1) by the nearest-rank method; 0 for no values.
#[must_use]
pub fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
