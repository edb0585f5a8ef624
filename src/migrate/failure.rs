//! Migration failures, described for people: which file, which line, which SQLSTATE, and who
//! held the lock when a lock timeout gave up.

use refinery::Migration;
use tokio_postgres::error::{DbError, ErrorPosition, SqlState};

use super::contention::Blocker;
use super::executor::ExecError;
use super::source::MigrationSet;
use crate::db::{causes, find_db_error};

/// One line naming the migration's file, the failing line and the database's message.
#[must_use]
pub fn describe(
    set: &MigrationSet,
    migration: &Migration,
    err: &(dyn std::error::Error + 'static),
) -> String {
    let file = set.label(migration);
    let exec = causes(err).find_map(|cause| cause.downcast_ref::<ExecError>());
    if let Some(ExecError::Unsafe(why)) = exec {
        return format!("migration {file} stopped: {why}");
    }
    let Some(db) = find_db_error(err) else {
        return format!("migration {file} failed: {}", chain(err));
    };
    let place = match exec {
        Some(ExecError::Sql {
            line, statement, ..
        }) => match db.position() {
            Some(ErrorPosition::Original(at)) => {
                format!(" at line {}", line + line_of(statement, *at) - 1)
            }
            _ => format!(" in the statement at line {line}"),
        },
        Some(ExecError::Runner { what, .. }) => format!(" ({what})"),
        _ => String::new(),
    };
    let hint = db
        .hint()
        .map(|hint| format!("; hint: {hint}"))
        .unwrap_or_default();
    format!(
        "migration {file} failed{place}: {} (SQLSTATE {}){hint}{}",
        db.message(),
        db.code().code(),
        advice(db)
    )
}

/// What to do about a failure that lma recognises.
fn advice(db: &DbError) -> &'static str {
    if *db.code() == SqlState::INSUFFICIENT_PRIVILEGE
        && db.message().starts_with("permission denied to create role")
    {
        // V17 (released, so frozen) creates lma_app even when it exists; see docs/schema.md.
        return "; CREATE ROLE needs CREATEROLE even when the role already exists: run this migration once as a role with CREATEROLE (ALTER ROLE <you> CREATEROLE; lma migrate; ALTER ROLE <you> NOCREATEROLE)";
    }
    ""
}

/// Adds what the lock-timeout watcher saw.
#[must_use]
pub fn with_blockers(message: &str, attempts: u32, blockers: &[Blocker]) -> String {
    let who = if blockers.is_empty() {
        "the blocker had gone before lma could see it".to_owned()
    } else {
        let list: Vec<String> = blockers.iter().map(ToString::to_string).collect();
        format!("blocked by {}", list.join("; "))
    };
    format!("{message}; gave up after {attempts} attempts; {who}")
}

fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    causes(err)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

/// The 1-based line of a 1-based character position, as PostgreSQL reports positions.
fn line_of(sql: &str, position: u32) -> usize {
    let before = usize::try_from(position.saturating_sub(1)).unwrap_or(usize::MAX);
    sql.chars().take(before).filter(|&c| c == '\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_to_lines() {
        let sql = "SELECT 1;\nSELEC 2;\n";
        assert_eq!(line_of(sql, 1), 1);
        assert_eq!(line_of(sql, 11), 2);
        assert_eq!(line_of("é\nx", 3), 2);
    }

    #[test]
    fn blockers_are_named_or_their_absence_explained() {
        let blocker = Blocker {
            pid: 42,
            state: "idle in transaction".into(),
            query: "LOCK leads".into(),
            transaction_seconds: 3.0,
        };
        let text = with_blockers("migration x failed", 4, &[blocker]);
        assert_eq!(text, "migration x failed; gave up after 4 attempts; blocked by pid 42 (idle in transaction, in a transaction for 3s): LOCK leads");
        assert!(
            with_blockers("m", 1, &[]).ends_with("the blocker had gone before lma could see it")
        );
    }
}
