//! `lma lint`: squawk's migration linter, embedded and told what lma's runner does, plus lma's
//! own rules: what `lma migrate` would refuse, and applied migrations whose files changed.
//!
//! With a database given, only its pending migrations are linted (unless `--all`), and its
//! history is checked against the files; without one, every migration is linted.

pub mod applied;
pub mod file;
pub mod ignore;
pub mod report;
pub mod rules;

use std::path::PathBuf;

use anyhow::Context as _;
use refinery::Migration;

use crate::context::Context;
use crate::db::Database;
use crate::exit::ExitStatus;
use crate::migrate::history::History;
use crate::migrate::source::MigrationSet;
use report::LintReport;
use rules::RuleSet;

/// What `lma lint` lints.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A `--migrations` directory instead of the embedded schema.
    pub migrations: Option<PathBuf>,
    /// Lint these files, whatever their names, instead of a migration set.
    pub files: Vec<PathBuf>,
    /// Lint every migration, not only the pending ones.
    pub all: bool,
}

/// Runs `lma lint`.
pub async fn run(context: &Context, options: &Options) -> anyhow::Result<ExitStatus> {
    let database = context.database_if_given()?;
    let report = lint(context, options, database.as_ref()).await?;
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.has_findings()))
}

/// Lints as `options` say, with `database`'s history when one is given.
pub async fn lint(
    context: &Context,
    options: &Options,
    database: Option<&Database>,
) -> anyhow::Result<LintReport> {
    let rules = RuleSet::resolve(&context.config.lint)?;
    let mut report = LintReport {
        files: Vec::new(),
        database: database.map(Database::describe),
        findings: Vec::new(),
    };
    if !options.files.is_empty() {
        for path in &options.files {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            add_file(&mut report, &path.display().to_string(), &text, &rules);
        }
        return Ok(report);
    }
    let set = MigrationSet::load(
        options.migrations.as_deref(),
        &context.config.migrate.ignore,
    )?;
    let applied = match database {
        Some(database) => applied(database).await?,
        None => Vec::new(),
    };
    report.findings.extend(applied::edited(&set, &applied));
    for migration in set.migrations() {
        let done = applied.iter().any(|a| a.version() == migration.version());
        if options.all || !done {
            let label = set.label(migration);
            add_file(
                &mut report,
                &label,
                migration.sql().unwrap_or_default(),
                &rules,
            );
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    Ok(report)
}

fn add_file(report: &mut LintReport, label: &str, text: &str, rules: &RuleSet) {
    report.files.push(label.to_owned());
    report.findings.extend(
        file::lint(text, rules)
            .into_iter()
            .map(|(raw, ignored)| file::place(label, raw, ignored)),
    );
}

/// The database's applied migrations, read in a read-only session.
async fn applied(database: &Database) -> anyhow::Result<Vec<Migration>> {
    let client = database.connect_read_only().await?;
    let history = History::locate(&client).await?;
    history.applied(&client).await
}
