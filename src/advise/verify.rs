//! `lma advise --verify`: the best candidate built for real, on a throwaway copy, and the check
//! measured under EXPLAIN (ANALYZE, BUFFERS) before and after.
//!
//! The copy is made of session-local temporary tables, in a second session of its own:
//! `CREATE TEMP TABLE t (LIKE schema.t INCLUDING ALL)` (columns, defaults and every index), the
//! rows copied, VACUUM (ANALYZE), and `pg_temp` first on the search path, so the check's
//! unqualified names read the copies. Reading the originals takes the ACCESS SHARE lock any
//! SELECT takes; nothing of the user's is written or locked against writers. The alternative,
//! CREATE INDEX in a transaction that is rolled back, holds a SHARE lock on the user's table
//! for the whole build and blocks every writer: a change in behaviour nobody asked for.
//! The copies live in temp_buffers (local buffers), so buffers are counted shared + local.

use anyhow::{bail, Context as _};
use tokio_postgres::Client;

use super::candidate::Candidate;
use super::plans;
use super::report::{Build, CheckAdvice, Copied, Measured, Verification};
use super::table;
use super::Target;
use crate::check::plan::{Explain, Node};
use crate::check::runner::{self, Runs};
use crate::check::Session;
use crate::context::Context;
use crate::indexes::size::human_size;

const INSERTABLE_COLUMNS: &str = "
SELECT coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), '')
FROM pg_attribute AS a
WHERE a.attrelid = to_regclass(format('%I.%I', $1::text, $2::text))
  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''";

/// Measured runs on the copy, before and after.
const RUNS: Runs = Runs {
    warmup: 2,
    iterations: 5,
};

/// Builds the advice's candidates on a copy and measures; `None` without any.
pub async fn run(
    context: &Context,
    session: &Session,
    target: &Target,
    advice: &CheckAdvice,
    max_bytes: i64,
) -> anyhow::Result<Option<Verification>> {
    if advice.to_verify.is_empty() {
        return Ok(None);
    }
    let client = context.database()?.connect().await?;
    within_size(&client, &advice.tables, max_bytes).await?;
    // Local buffers are sized at the first use of a temporary table, so this comes first.
    client
        .batch_execute("SET temp_buffers = '1GB'")
        .await
        .context("cannot size temp_buffers for the copy")?;
    runner::prepare_session(&client, &session.options).await?;
    let result = measure_on_copy(context, &client, target, advice).await;
    // A closed session drops its temporary tables; DISCARD says so at once.
    let _ = client.batch_execute("DISCARD TEMP").await;
    result.map(Some)
}

/// Each table's size on disk with its indexes (`LIKE … INCLUDING ALL` rebuilds them in the
/// copy), a partitioned table's as the sum of its partitions', largest first.
const TABLE_SIZES: &str = "
SELECT format('%I.%I', s, t),
       -- pg_partition_tree has no row for a table outside any partition tree.
       coalesce((SELECT sum(pg_total_relation_size(p.relid))
                 FROM pg_partition_tree(r) AS p WHERE p.isleaf),
                pg_total_relation_size(r), 0)::int8
FROM unnest($1::text[], $2::text[]) AS x (s, t)
CROSS JOIN LATERAL to_regclass(format('%I.%I', s, t)) AS r
ORDER BY 2 DESC, 1";

/// Refuses a copy larger than `max_bytes`: it would fill the server's temporary space, which
/// a command that only advises must not do to a live database.
async fn within_size(
    client: &Client,
    tables: &[(String, String)],
    max_bytes: i64,
) -> anyhow::Result<()> {
    let (schemas, names): (Vec<&str>, Vec<&str>) =
        tables.iter().map(|(s, t)| (s.as_str(), t.as_str())).unzip();
    let rows = client
        .query(TABLE_SIZES, &[&schemas, &names])
        .await
        .context("cannot read the sizes of the tables to copy")?;
    let sizes: Vec<(String, i64)> = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()
        .context("cannot read the sizes of the tables to copy")?;
    let total: i64 = sizes.iter().map(|(_, bytes)| bytes).sum();
    if total > max_bytes {
        let listed: Vec<String> = sizes
            .iter()
            .map(|(table, bytes)| format!("{table} {}", human_size(*bytes)))
            .collect();
        bail!(
            "--verify would copy {} of tables ({}), more than --verify-max-size {}; nothing was copied",
            human_size(total),
            listed.join(", "),
            human_size(max_bytes)
        );
    }
    Ok(())
}

async fn measure_on_copy(
    context: &Context,
    client: &Client,
    target: &Target,
    advice: &CheckAdvice,
) -> anyhow::Result<Verification> {
    let mut copied = Vec::new();
    for (schema, table) in &advice.tables {
        context.progress.note(
            None,
            &format!("copying {schema}.{table} into a temporary table"),
        );
        copied.push(copy(client, schema, table).await?);
    }
    client
        .query_one(
            "SELECT set_config('search_path', 'pg_temp, ' || current_setting('search_path'), false)",
            &[],
        )
        .await
        .context("cannot put the copies first on the search path")?;
    let samples = advice_samples(target, client).await?;
    let first = samples.first().cloned().unwrap_or_default();
    let generic = plans::generic(client, &target.check, &first).await?;
    if let Some(original) = reads_original(&generic.plan) {
        bail!(
            "--verify: the query names {original} with its schema, so it cannot be pointed at \
             a temporary copy"
        );
    }
    let (before, _) = measured(client, target, samples.clone()).await?;
    let mut builds = Vec::new();
    for (name, candidate) in &advice.to_verify {
        builds.push(build(client, target, &samples, name, candidate).await?);
    }
    builds.sort_by(|a, b| {
        b.used_by_samples
            .cmp(&a.used_by_samples)
            .then(a.after.buffers.cmp(&b.after.buffers))
    });
    Ok(Verification {
        copied,
        before,
        builds,
    })
}

/// Builds one candidate on the copy, measures the check, and drops it again.
async fn build(
    client: &Client,
    target: &Target,
    samples: &[Vec<Option<String>>],
    name: &str,
    candidate: &Candidate,
) -> anyhow::Result<Build> {
    let table = format!("pg_temp.{}", table::quoted(client, &candidate.table).await?);
    let index = if super::conditions::is_identifier(name) {
        name.to_owned()
    } else {
        crate::queries::quote_ident(name)
    };
    let statement = format!("CREATE INDEX {index} {}", candidate.body(&table));
    client
        .batch_execute(&statement)
        .await
        .with_context(|| format!("--verify: {statement} failed on the copy"))?;
    client
        .batch_execute(&format!("ANALYZE {table}"))
        .await
        .context("cannot analyze the copy")?;
    let (after, plans) = measured(client, target, samples.to_vec()).await?;
    client
        .batch_execute(&format!("DROP INDEX pg_temp.{index}"))
        .await
        .context("cannot drop the index built on the copy")?;
    let used_by_samples = plans
        .iter()
        .filter(|e| e.plan.indexes().iter().any(|u| u.index == name))
        .count();
    Ok(Build {
        index: name.to_owned(),
        statement,
        after,
        used_by_samples,
        samples: plans.len(),
    })
}

async fn advice_samples(
    target: &Target,
    client: &Client,
) -> anyhow::Result<Vec<Vec<Option<String>>>> {
    match &target.samples {
        Some(samples) => Ok(samples.clone()),
        None => runner::samples(client, &target.check).await,
    }
}

/// Copies one table into a temporary table of the same name, with its indexes.
async fn copy(client: &Client, schema: &str, table: &str) -> anyhow::Result<Copied> {
    let source = format!(
        "{}.{}",
        table::quoted(client, schema).await?,
        table::quoted(client, table).await?
    );
    let copy = format!("pg_temp.{}", table::quoted(client, table).await?);
    let columns: String = client
        .query_one(INSERTABLE_COLUMNS, &[&schema, &table])
        .await
        .with_context(|| format!("cannot read the columns of {source}"))?
        .try_get(0)?;
    let sql = format!(
        "CREATE TEMP TABLE {copy} (LIKE {source} INCLUDING ALL);
         INSERT INTO {copy} ({columns}) SELECT {columns} FROM {source};"
    );
    client
        .batch_execute(&sql)
        .await
        .with_context(|| format!("--verify: cannot copy {source} into a temporary table"))?;
    client
        .batch_execute(&format!("VACUUM (ANALYZE) {copy}"))
        .await
        .with_context(|| format!("cannot vacuum the copy of {source}"))?;
    let rows: i64 = client
        .query_one(&format!("SELECT count(*) FROM {copy}"), &[])
        .await?
        .try_get(0)?;
    Ok(Copied {
        table: format!("{schema}.{table}"),
        rows: u64::try_from(rows).unwrap_or(0),
    })
}

/// A relation the plan reads outside `pg_temp`, when the copies were meant to be read.
fn reads_original(root: &Node) -> Option<String> {
    root.walk().into_iter().find_map(|(node, _)| {
        let schema = node.schema.as_deref()?;
        let relation = node.relation.as_deref()?;
        (!schema.starts_with("pg_temp")).then(|| format!("{schema}.{relation}"))
    })
}

async fn measured(
    client: &Client,
    target: &Target,
    samples: Vec<Vec<Option<String>>>,
) -> anyhow::Result<(Measured, Vec<Explain>)> {
    let m = runner::measure(client, &target.check, samples, RUNS, false).await?;
    let buffers = m
        .plans
        .iter()
        .map(|e| all_buffers(&e.plan))
        .max()
        .unwrap_or(0);
    let plan = m
        .plans
        .first()
        .map(|e| e.plan.fingerprint())
        .unwrap_or_default();
    Ok((
        Measured {
            p50_ms: runner::percentile(&m.times_ms, 0.5),
            max_ms: m.times_ms.iter().copied().fold(0.0, f64::max),
            buffers,
            plan,
        },
        m.plans,
    ))
}

fn all_buffers(node: &Node) -> u64 {
    node.shared_hit + node.shared_read + node.local_hit + node.local_read
}
