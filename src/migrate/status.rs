//! `lma status`: every migration, known to the files or to the database, with its state.

use std::collections::BTreeMap;
use std::path::Path;

use refinery::Migration;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use tokio_postgres::Client;

use super::history::{self, History};
use super::source::MigrationSet;
use crate::context::Context;
use crate::exit::ExitStatus;
use crate::output::{Block, Report, Table, Tone};

/// Where one migration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    /// Applied, and the file still matches what was applied.
    Applied,
    /// In the files, not yet applied.
    Pending,
    /// Applied, but the file's name or checksum differs from what was applied.
    Divergent,
    /// Applied in the database, absent from the files.
    Missing,
    /// In the files, never applied, and older than the newest applied version: refinery will
    /// refuse to apply it.
    OutOfOrder,
}

impl State {
    /// Divergent, missing and out-of-order migrations are findings: exit 1.
    #[must_use]
    pub fn is_finding(self) -> bool {
        matches!(self, Self::Divergent | Self::Missing | Self::OutOfOrder)
    }

    fn label(self) -> (&'static str, Tone) {
        match self {
            Self::Applied => ("applied", Tone::Good),
            Self::Pending => ("pending", Tone::Warn),
            Self::Divergent => ("divergent", Tone::Bad),
            Self::Missing => ("missing", Tone::Bad),
            Self::OutOfOrder => ("out of order", Tone::Bad),
        }
    }
}

/// One migration's row in the status report.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub version: i64,
    pub name: String,
    pub state: State,
    /// When it was applied (RFC 3339), for applied, divergent and missing migrations.
    pub applied_on: Option<String>,
    /// Why a migration is divergent or out of order.
    pub detail: Option<String>,
}

/// The report of `lma status`.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub database: String,
    /// The newest applied version, if any.
    pub current_version: Option<i64>,
    /// The newest version in the files.
    pub latest_version: Option<i64>,
    pub migrations: Vec<Entry>,
}

impl StatusReport {
    /// Reads the history and compares it with the set.
    pub async fn read(
        client: &Client,
        history: &History,
        set: &MigrationSet,
        database: String,
    ) -> anyhow::Result<Self> {
        let applied = history.applied(client).await?;
        Ok(Self {
            database,
            current_version: applied.iter().map(Migration::version).max(),
            latest_version: set.latest_version(),
            migrations: classify(set.migrations(), &applied),
        })
    }

    /// Reads the history where the session's search path finds it.
    pub async fn of(client: &Client, set: &MigrationSet, database: String) -> anyhow::Result<Self> {
        let history = History::locate(client).await?;
        Self::read(client, &history, set, database).await
    }

    /// Whether anything is divergent, missing or out of order.
    #[must_use]
    pub fn has_findings(&self) -> bool {
        self.migrations.iter().any(|entry| entry.state.is_finding())
    }

    /// The findings, one phrase each, for an error message.
    #[must_use]
    pub fn findings(&self) -> Vec<String> {
        self.migrations
            .iter()
            .filter(|entry| entry.state.is_finding())
            .map(|entry| {
                format!(
                    "V{} {} is {}",
                    entry.version,
                    entry.name,
                    entry.state.label().0
                )
            })
            .collect()
    }

    /// How many migrations are in a state.
    #[must_use]
    pub fn count(&self, state: State) -> usize {
        self.migrations
            .iter()
            .filter(|entry| entry.state == state)
            .count()
    }
}

impl Report for StatusReport {
    fn human(&self) -> Vec<Block> {
        let mut table =
            Table::new(&["Version", "Name", "State", "Applied on", "Detail"]).right_aligned(&[0]);
        for entry in &self.migrations {
            let (label, tone) = entry.state.label();
            table.toned_row(vec![
                (entry.version.to_string(), Tone::Plain),
                (entry.name.clone(), Tone::Plain),
                (label.to_owned(), tone),
                (entry.applied_on.clone().unwrap_or_default(), Tone::Plain),
                (entry.detail.clone().unwrap_or_default(), Tone::Plain),
            ]);
        }
        let current = self
            .current_version
            .map_or_else(|| "none".to_owned(), |v| format!("V{v}"));
        let summary = format!(
            "{}: at {current}; {} applied, {} pending, {} divergent, {} missing, {} out of order",
            self.database,
            self.count(State::Applied),
            self.count(State::Pending),
            self.count(State::Divergent),
            self.count(State::Missing),
            self.count(State::OutOfOrder),
        );
        vec![Block::Table(table), Block::Line(summary)]
    }
}

/// Compares the files with the history, version by version.
#[must_use]
pub fn classify(files: &[Migration], applied: &[Migration]) -> Vec<Entry> {
    let newest_applied = applied.iter().map(Migration::version).max();
    let by_version: BTreeMap<i64, &Migration> = files.iter().map(|m| (m.version(), m)).collect();
    let mut entries: Vec<Entry> = applied
        .iter()
        .map(|done| applied_entry(done, by_version.get(&done.version()).copied()))
        .collect();
    for file in files {
        if applied.iter().any(|done| done.version() == file.version()) {
            continue;
        }
        let late = newest_applied.is_some_and(|newest| file.version() < newest)
            && file.prefix().to_string() == "V";
        entries.push(Entry {
            version: file.version(),
            name: file.name().to_owned(),
            state: if late {
                State::OutOfOrder
            } else {
                State::Pending
            },
            applied_on: None,
            detail: late.then(|| "older than the newest applied version".to_owned()),
        });
    }
    entries.sort_by_key(|entry| entry.version);
    entries
}

fn applied_entry(done: &Migration, file: Option<&Migration>) -> Entry {
    let (state, detail) = match file {
        None => (State::Missing, Some("no file has this version".to_owned())),
        Some(file) if file.name() != done.name() => (
            State::Divergent,
            Some(format!("the file is named {}", file.name())),
        ),
        Some(file) if !history::same_checksum(file, done) => (
            State::Divergent,
            Some("the file changed since it was applied".to_owned()),
        ),
        Some(_) => (State::Applied, None),
    };
    Entry {
        version: done.version(),
        name: done.name().to_owned(),
        state,
        applied_on: done.applied_on().and_then(|at| at.format(&Rfc3339).ok()),
        detail,
    }
}

/// Runs `lma status`: exit 1 when anything is divergent, missing or out of order.
pub async fn run(context: &Context, migrations: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let set = MigrationSet::load(migrations, &context.config.migrate.ignore)?;
    let database = context.database()?;
    let client = database.connect_read_only().await?;
    let report = StatusReport::of(&client, &set, database.describe()).await?;
    context.emit(&report)?;
    Ok(ExitStatus::findings_if(report.has_findings()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, sql: &str) -> Migration {
        Migration::unapplied(name, sql).unwrap()
    }

    fn applied(migration: &Migration) -> Migration {
        let at = time::OffsetDateTime::UNIX_EPOCH;
        Migration::applied(
            migration.version(),
            migration.name().to_owned(),
            at,
            migration.checksum(),
        )
    }

    fn states(entries: &[Entry]) -> Vec<(i64, State)> {
        entries.iter().map(|e| (e.version, e.state)).collect()
    }

    /// A migration in each state: the database applied 1, 2, 4 (absent from the files) and 5;
    /// 2 was edited since, 3 skipped, and 6 is new.
    fn every_state() -> Vec<Entry> {
        let one = file("V1__one", "SELECT 1;");
        let two = file("V2__two", "SELECT 2;");
        let two_edited = file("V2__two", "SELECT 2 + 0;");
        let three = file("V3__three", "SELECT 3;");
        let four = file("V4__four", "SELECT 4;");
        let five = file("V5__five", "SELECT 5;");
        let history = [applied(&one), applied(&two), applied(&four), applied(&five)];
        let files = [
            one,
            two_edited,
            three,
            five.clone(),
            file("V6__six", "SELECT 6;"),
        ];
        classify(&files, &history)
    }

    #[test]
    fn every_state_is_recognised() {
        let entries = every_state();
        assert_eq!(
            states(&entries),
            [
                (1, State::Applied),
                (2, State::Divergent),
                (3, State::OutOfOrder),
                (4, State::Missing),
                (5, State::Applied),
                (6, State::Pending),
            ]
        );
        assert_eq!(
            entries[0].applied_on.as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
    }

    #[test]
    fn a_renamed_file_is_divergent_and_says_so() {
        let history = [applied(&file("V1__old", "SELECT 1;"))];
        let entries = classify(&[file("V1__new", "SELECT 1;")], &history);
        assert_eq!(entries[0].state, State::Divergent);
        assert_eq!(entries[0].detail.as_deref(), Some("the file is named new"));
    }

    #[test]
    fn an_empty_database_has_everything_pending() {
        let entries = classify(
            &[file("V1__a", "SELECT 1;"), file("V2__b", "SELECT 2;")],
            &[],
        );
        assert!(entries.iter().all(|e| e.state == State::Pending));
    }

    #[test]
    fn the_table_shows_each_state_and_the_summary_counts_them() {
        let report = StatusReport {
            database: "lma@localhost:5432/lma".into(),
            current_version: Some(5),
            latest_version: Some(6),
            migrations: every_state(),
        };
        insta::assert_snapshot!(crate::output::plain_text(&report));
    }
}
