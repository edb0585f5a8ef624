//! `lma advise`: from a slow or failing query to an index the planner accepts.
//!
//! Input is a check (by name, or a check file), a query file with `--param` values, or every
//! check `lma check` fails (`--failing`). The query's generic plan says what it asks of each
//! table ([`conditions`]); candidates follow from that ([`candidate`]); HypoPG validates them
//! ([`validate`]); `--verify` builds the best for real on a copy ([`verify`]).
//!
//! The target database is only read: the session is read-only, and HypoPG's hypothetical
//! indexes live in this session's memory only.

pub mod candidate;
pub mod conditions;
pub mod hypo;
pub mod plans;
pub mod report;
pub mod table;
pub mod validate;
pub mod verify;

use std::path::Path;

use anyhow::Context as _;

use crate::check::catalog::{self, Check};
use crate::check::expectation::{Expectation, Judging};
use crate::check::report::CheckResult;
use crate::check::runner::{self, Runs};
use crate::check::{self, CatalogOptions, Session};
use crate::context::Context;
use crate::exit::ExitStatus;
use hypo::HypoPg;
use plans::Costing;
use report::{AdviseReport, CheckAdvice};
use validate::{Planned, Validation};

/// A query to advise on, with its samples when they were given rather than drawn.
pub struct Target {
    pub check: Check,
    pub samples: Option<Vec<Vec<Option<String>>>>,
}

/// What `lma advise` is asked to advise on.
#[derive(Debug, Clone)]
pub struct Options {
    /// Check names, check files or query files.
    pub targets: Vec<String>,
    /// The query file's parameter values, in order.
    pub params: Vec<String>,
    /// Advise on every check that `lma check` fails instead.
    pub failing: bool,
    /// Keep candidates that cut the estimated cost by at least this percentage.
    pub min_gain: f64,
    /// Build the best candidate for real on a throwaway copy and measure.
    pub verify: bool,
    /// The most bytes of tables `verify` copies.
    pub verify_max_bytes: i64,
    /// With `failing`: how failing is judged (flags over `[check]`).
    pub judging: Judging,
    pub catalog: CatalogOptions,
}

/// Runs `lma advise`: exit 1 when an index is proposed.
pub async fn run(context: &Context, args: &Options) -> anyhow::Result<ExitStatus> {
    if args.catalog.as_app_role {
        anyhow::bail!("lma advise plans as the connected role; --as-app-role is for lma check");
    }
    let catalog_args = args.catalog.clone();
    let direct = if args.failing {
        Vec::new()
    } else {
        targets(&args.targets, &args.params, &catalog_args)?
    };
    // HypoPG first: without it nothing else is worth a warning.
    let database = context.database()?;
    HypoPg::find(&database.connect().await?, &database.describe()).await?;
    let session = Session::open(context, &catalog_args).await?;
    session
        .client
        .batch_execute("SET default_transaction_read_only = on")
        .await
        .context("cannot make the session read-only")?;
    let hypo = HypoPg::find(&session.client, &session.database).await?;
    let targets = if args.failing {
        failing(context, &session, &catalog_args, args.judging).await?
    } else {
        direct
    };
    let mut checks = Vec::with_capacity(targets.len());
    for target in targets {
        let mut advice = advise(&session, &hypo, &target, args.min_gain).await?;
        if args.verify {
            advice.verification =
                verify::run(context, &session, &target, &advice, args.verify_max_bytes).await?;
        }
        checks.push(advice);
    }
    let report = AdviseReport {
        database: session.database.clone(),
        hypopg_version: hypo.version.clone(),
        min_gain_percent: args.min_gain,
        checks,
    };
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.has_proposals()))
}

/// Each argument as a check of the catalog, a check file, or a query file.
fn targets(
    names: &[String],
    params: &[String],
    catalog_args: &CatalogOptions,
) -> anyhow::Result<Vec<Target>> {
    let mut out = Vec::new();
    let mut catalog = None;
    for name in names {
        let path = Path::new(name);
        if path.is_file() {
            out.push(file_target(path, params)?);
            continue;
        }
        if catalog.is_none() {
            catalog = Some(check::load(catalog_args)?);
        }
        let all = catalog.clone().unwrap_or_default();
        let check = catalog::select(all, std::slice::from_ref(name))?.remove(0);
        out.push(Target {
            check,
            samples: None,
        });
    }
    Ok(out)
}

/// A check file (it has a `-- name:` header) or a plain query with `--param` values.
fn file_target(path: &Path, params: &[String]) -> anyhow::Result<Target> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file = path.display().to_string();
    if text.lines().any(|l| l.trim_start().starts_with("-- name:")) {
        let check = catalog::parse(&file, &text)?;
        return Ok(Target {
            check: catalog::with_shared(check, &catalog::shared_beside(path)?, &file)?,
            samples: None,
        });
    }
    let sql = text.trim().trim_end_matches(';').trim().to_owned();
    anyhow::ensure!(!sql.is_empty(), "{file} holds no query");
    let name = path
        .file_stem()
        .map_or_else(|| file.clone(), |s| s.to_string_lossy().into_owned());
    Ok(Target {
        check: Check {
            name,
            description: format!("the query of {file}"),
            params: None,
            expectations: Vec::new(),
            note: None,
            writes: false,
            sql,
        },
        samples: Some(vec![params.iter().map(|p| Some(p.clone())).collect()]),
    })
}

/// The checks of the catalog that `lma check` fails, with a few runs each.
async fn failing(
    context: &Context,
    session: &Session,
    catalog_args: &CatalogOptions,
    // Judged as `lma check` judges them, small-table floor included.
    judging: Judging,
) -> anyhow::Result<Vec<Target>> {
    let runs = Runs {
        warmup: 1,
        iterations: 3,
    };
    let mut out = Vec::new();
    for check in check::load(catalog_args)? {
        let samples = session.samples(&check).await?;
        let measurement =
            runner::measure(&session.client, &check, samples.clone(), runs, false).await?;
        let result = CheckResult::judge(&check, &measurement, &session.relations, judging);
        if !result.passed {
            context.progress.note(
                None,
                &format!("{} fails: {}", check.name, result.reasons.join("; ")),
            );
            out.push(Target {
                check,
                samples: Some(samples),
            });
        }
    }
    Ok(out)
}

/// The advice for one target.
async fn advise(
    session: &Session,
    hypo: &HypoPg,
    target: &Target,
    min_gain: f64,
) -> anyhow::Result<CheckAdvice> {
    let client = &session.client;
    let check = &target.check;
    let samples = match &target.samples {
        Some(samples) => samples.clone(),
        None => session.samples(check).await?,
    };
    let costing = Costing::prepare(client, check, samples).await?;
    let before = costing.evaluate(client).await?;
    let first = costing.samples().first().cloned().unwrap_or_default();
    let generic = plans::generic(client, check, &first).await?;
    let extensions = table::extensions(client).await?;
    let mut candidates = Vec::new();
    let accesses = conditions::accesses(&generic.plan);
    let mut tables: Vec<(String, String)> = accesses
        .iter()
        .map(|a| (a.schema.clone(), a.table.clone()))
        .collect();
    tables.dedup();
    for access in accesses {
        let info = table::TableInfo::read(client, &access.schema, &access.table).await?;
        for candidate in candidate::derive(&access, &info.columns, extensions) {
            candidates.push(Planned {
                candidate,
                table: info.clone(),
            });
        }
    }
    let validation = Validation {
        client,
        hypo,
        costing: &costing,
        before: &before,
        min_gain,
        wanted_names: missing_expected_indexes(session, check).await?,
    };
    let outcome = validation.run(candidates).await?;
    Ok(CheckAdvice {
        check: check.name.clone(),
        description: check.description.clone(),
        samples: costing.samples().len(),
        cost_before: before.cost,
        plan_before: before.fingerprint(None),
        proposals: outcome.proposals,
        unvalidated: outcome.unvalidated,
        rejected: outcome.rejected,
        verification: None,
        tables,
        to_verify: outcome.to_verify,
    })
}

/// The check's `uses_index NAME on TABLE` whose index does not exist: the proposal for that
/// table takes the name, so the check passes once it is built.
async fn missing_expected_indexes(
    session: &Session,
    check: &Check,
) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for expectation in &check.expectations {
        if let Expectation::UsesIndex {
            index,
            relation: Some(table),
        } = expectation
        {
            let row = session
                .client
                .query_one("SELECT to_regclass($1) IS NULL", &[index])
                .await
                .context("cannot look up an expected index")?;
            if row.try_get::<_, bool>(0)? {
                out.push((table.clone(), index.clone()));
            }
        }
    }
    Ok(out)
}
