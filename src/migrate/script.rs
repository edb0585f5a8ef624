//! A migration file read for running: its statements, how it must run, and what lma refuses
//! before anything runs, because the safety model could not hold with it.
//!
//! A transactional migration commits together with its history row, so any statement that ends
//! or splits its transaction (`COMMIT`, `BEGIN`, `SAVEPOINT`, …) would break atomicity and let a
//! dry run commit; statements PostgreSQL refuses inside a transaction block (`CREATE INDEX
//! CONCURRENTLY`, `VACUUM`, …) need the `-- lma:no-transaction` marker. A no-transaction
//! migration must name its concurrent indexes, so a rerun finds the INVALID leftover of a failed
//! build, and must not leave a transaction open when it ends.

use squawk_lexer::TokenKind;

use super::statements::{self, is_string, leading_words, tokens, Statement};

/// psql meta-commands that only guard psql's own meta-commands during a restore (pg_dump
/// 15.14 and later write them); lma runs no meta-commands, so they are safe to pass over.
const HARMLESS_META: [&str; 2] = ["\\restrict", "\\unrestrict"];

/// A migration's text, parsed and accepted.
#[derive(Debug, Clone)]
pub struct Script {
    pub transactional: bool,
    pub statements: Vec<Statement>,
    /// What lma changed about the text, for the user: a dropped `BEGIN … COMMIT` wrapper.
    pub notes: Vec<String>,
}

/// Why lma refuses a migration, at the line that shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub kind: RefusalKind,
    pub message: String,
}

/// What a refused statement does; `lma lint` names its rules after these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// A psql meta-command other than `\restrict`.
    MetaCommand,
    /// `COMMIT`, `BEGIN`, `SAVEPOINT`, … in a transactional migration.
    TransactionControl,
    /// `CREATE INDEX CONCURRENTLY`, `VACUUM`, … in a migration without the marker.
    NeedsNoTransaction,
    /// A new enum value used in the transaction that added it.
    NewEnumValueUsed,
    /// `CREATE INDEX CONCURRENTLY` without an index name.
    UnnamedConcurrentIndex,
    /// A no-transaction migration that leaves a transaction open.
    UnendedTransaction,
}

impl Refusal {
    fn new(line: usize, kind: RefusalKind, message: String) -> Self {
        Self {
            line,
            kind,
            message,
        }
    }
}

impl Script {
    /// Splits and checks a migration's text; the first refusal, in file order, stops it.
    pub fn parse(sql: &str) -> Result<Self, Refusal> {
        let (script, refusals) = Self::read(sql);
        match refusals.into_iter().next() {
            Some(refusal) => Err(refusal),
            None => Ok(script),
        }
    }

    /// The script as read (a whole-file wrapper dropped) and every refusal, for `lma lint`.
    #[must_use]
    pub fn read(sql: &str) -> (Self, Vec<Refusal>) {
        let sql = sql.trim_start_matches('\u{feff}');
        let transactional = !statements::is_no_transaction(sql);
        let split = statements::split(sql);
        let mut refusals = Vec::new();
        for meta in &split.meta_commands {
            let command = meta.text.split_whitespace().next().unwrap_or_default();
            if !HARMLESS_META.contains(&command) {
                refusals.push(Refusal::new(
                    meta.line,
                    RefusalKind::MetaCommand,
                    format!("`{command}` is a psql meta-command, which lma cannot run; remove it"),
                ));
            }
        }
        let mut script = Self {
            transactional,
            statements: split.statements,
            notes: Vec::new(),
        };
        if transactional {
            script.drop_wrapper();
            script.check_transactional(&mut refusals);
        } else {
            script.check_outside(&mut refusals);
        }
        (script, refusals)
    }

    /// A whole-file `BEGIN; … COMMIT;` says what lma does anyway: drop the pair, with a note.
    fn drop_wrapper(&mut self) {
        let [first, inner @ .., last] = self.statements.as_slice() else {
            return;
        };
        let opens = matches!(control(&first.text), Some(Control::Begin));
        let commits = matches!(control(&last.text), Some(Control::Commit));
        if !opens || !commits || inner.iter().any(|s| control(&s.text).is_some()) {
            return;
        }
        let (begin, commit) = (first.line, last.line);
        self.statements.pop();
        self.statements.remove(0);
        self.notes.push(format!(
            "dropped its BEGIN (line {begin}) and COMMIT (line {commit}): lma runs each migration in one transaction with its history row"
        ));
    }

    fn check_transactional(&self, refusals: &mut Vec<Refusal>) {
        for (at, statement) in self.statements.iter().enumerate() {
            let mut refuse =
                |kind, message: String| refusals.push(Refusal::new(statement.line, kind, message));
            if control(&statement.text).is_some() {
                let words = leading_words(&statement.text).join(" ");
                refuse(RefusalKind::TransactionControl, format!(
                    "`{words}` would end or split the transaction that lma commits together with the history row; remove it (lma runs each migration in one transaction), or make the file's first line `{}`",
                    statements::NO_TRANSACTION_MARKER
                ));
                continue;
            }
            if let Some(what) = needs_outside(&statement.text) {
                refuse(
                    RefusalKind::NeedsNoTransaction,
                    format!(
                    "{what} cannot run inside a transaction block; make the file's first line `{}`",
                    statements::NO_TRANSACTION_MARKER
                ),
                );
                continue;
            }
            if let Some(label) = added_enum_value(&statement.text) {
                refusals.extend(first_use_later(
                    &label,
                    statement.line,
                    &self.statements[at + 1..],
                ));
            }
        }
    }

    fn check_outside(&self, refusals: &mut Vec<Refusal>) {
        let mut open: Option<usize> = None;
        for statement in &self.statements {
            if is_unnamed_concurrent_index(&statement.text) {
                refusals.push(Refusal::new(
                    statement.line,
                    RefusalKind::UnnamedConcurrentIndex,
                    "CREATE INDEX CONCURRENTLY without an index name: name it, so that a rerun after a failed build replaces the INVALID index it left instead of building a second one".to_owned(),
                ));
            }
            match control(&statement.text) {
                Some(Control::Begin) => open = Some(statement.line),
                Some(Control::Commit | Control::Rollback) => open = None,
                _ => {}
            }
        }
        if let Some(line) = open {
            refusals.push(Refusal::new(
                line,
                RefusalKind::UnendedTransaction,
                "opens a transaction that the file never ends: its work and its history row would roll back when lma disconnects; end it with COMMIT".to_owned(),
            ));
        }
    }
}

/// The transaction-control statements, by what they do to an open transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Begin,
    Commit,
    Rollback,
    /// SAVEPOINT, RELEASE, ROLLBACK TO, PREPARE TRANSACTION, … : still not lma's to run.
    Other,
}

fn control(text: &str) -> Option<Control> {
    let words = leading_words(text);
    let word = |i: usize| words.get(i).map_or("", String::as_str);
    Some(match (word(0), word(1)) {
        ("BEGIN", _) | ("START", "TRANSACTION") => Control::Begin,
        ("COMMIT" | "END", "PREPARED")
        | ("ROLLBACK", "PREPARED" | "TO")
        | ("SAVEPOINT" | "RELEASE", _)
        | ("PREPARE", "TRANSACTION") => Control::Other,
        ("ROLLBACK" | "ABORT", _) => Control::Rollback,
        ("COMMIT" | "END", _) => Control::Commit,
        _ => return None,
    })
}

/// What a statement does that PostgreSQL allows only outside a transaction block.
fn needs_outside(text: &str) -> Option<String> {
    let words = leading_words(text);
    // Every word of the statement, lexed only for the heads that need it.
    let has = |w: &str| {
        tokens(text)
            .into_iter()
            .any(|(kind, x)| kind == TokenKind::Ident && x.eq_ignore_ascii_case(w))
    };
    let head: Vec<&str> = words.iter().map(String::as_str).take(4).collect();
    let what = match head.as_slice() {
        ["CREATE", "INDEX", "CONCURRENTLY", ..] | ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"] => {
            "CREATE INDEX CONCURRENTLY"
        }
        ["DROP", "INDEX", "CONCURRENTLY", ..] => "DROP INDEX CONCURRENTLY",
        ["REINDEX", ..] if has("CONCURRENTLY") => "REINDEX … CONCURRENTLY",
        ["ALTER", "TABLE", ..] if has("DETACH") && has("CONCURRENTLY") => {
            "DETACH PARTITION … CONCURRENTLY"
        }
        ["VACUUM", ..] => "VACUUM",
        ["CREATE" | "DROP", "DATABASE" | "TABLESPACE", ..] => "CREATE/DROP DATABASE or TABLESPACE",
        ["ALTER", "SYSTEM", ..] => "ALTER SYSTEM",
        _ => return None,
    };
    Some(what.to_owned())
}

fn is_unnamed_concurrent_index(text: &str) -> bool {
    needs_outside(text).as_deref() == Some("CREATE INDEX CONCURRENTLY")
        && concurrent_index_name(text).is_none()
}

/// The name of the index a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name` builds,
/// as PostgreSQL stores it (unquoted names fold to lower case).
#[must_use]
pub fn concurrent_index_name(text: &str) -> Option<String> {
    let tokens = tokens(text);
    let upper = |i: usize| {
        tokens
            .get(i)
            .filter(|(kind, _)| *kind == TokenKind::Ident)
            .map(|(_, w)| w.to_ascii_uppercase())
    };
    let mut at = usize::from(upper(1).as_deref() == Some("UNIQUE"));
    if upper(0).as_deref() != Some("CREATE")
        || upper(at + 1).as_deref() != Some("INDEX")
        || upper(at + 2).as_deref() != Some("CONCURRENTLY")
    {
        return None;
    }
    at += 3;
    if upper(at).as_deref() == Some("IF") {
        at += 3;
    }
    match tokens.get(at)? {
        (TokenKind::Ident, w) if !w.eq_ignore_ascii_case("ON") => Some(w.to_lowercase()),
        (TokenKind::QuotedIdent { .. }, w) => Some(w.trim_matches('"').replace("\"\"", "\"")),
        _ => None,
    }
}

/// The label of an `ALTER TYPE … ADD VALUE [IF NOT EXISTS] 'label'`.
fn added_enum_value(text: &str) -> Option<String> {
    if leading_words(text).get(..2) != Some(&["ALTER".to_owned(), "TYPE".to_owned()][..]) {
        return None;
    }
    let tokens = tokens(text);
    let is = |i: usize, w: &str| {
        tokens
            .get(i)
            .is_some_and(|(k, t)| *k == TokenKind::Ident && t.eq_ignore_ascii_case(w))
    };
    if !is(0, "ALTER") || !is(1, "TYPE") {
        return None;
    }
    let add = (2..tokens.len()).find(|&i| is(i, "ADD") && is(i + 1, "VALUE"))?;
    let at = if is(add + 2, "IF") { add + 5 } else { add + 2 };
    match tokens.get(at)? {
        (kind, label) if is_string(*kind) => Some(unquote(label)),
        _ => None,
    }
}

/// PostgreSQL refuses a new enum value's use before the transaction that added it commits.
fn first_use_later(label: &str, added: usize, later: &[Statement]) -> Option<Refusal> {
    for statement in later {
        let used = tokens(&statement.text)
            .into_iter()
            .any(|(kind, text)| is_string(kind) && unquote(text) == label);
        if used {
            return Some(Refusal {
                line: statement.line,
                kind: RefusalKind::NewEnumValueUsed,
                message: format!(
                    "uses enum value '{label}', added at line {added} in the same transaction, which PostgreSQL refuses until that transaction commits; move the use to a later migration, or make the file's first line `{}`",
                    statements::NO_TRANSACTION_MARKER
                ),
            });
        }
    }
    None
}

fn unquote(literal: &str) -> String {
    literal
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .map_or_else(|| literal.to_owned(), |s| s.replace("''", "'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(sql: &str) -> Refusal {
        Script::parse(sql).expect_err("refused")
    }

    #[test]
    fn transaction_control_in_a_transactional_file_is_refused_at_its_line() {
        let r = refusal("create table b(i int);\nCOMMIT;\ncreate table c(i int);");
        assert_eq!(r.line, 2);
        assert!(r.message.contains("`COMMIT`"), "{}", r.message);
        for sql in [
            "SAVEPOINT s;",
            "select 1;\nrollback;",
            "PREPARE TRANSACTION 'x';",
            "end;",
        ] {
            assert!(Script::parse(sql).is_err(), "{sql}");
        }
    }

    #[test]
    fn a_whole_file_wrapper_is_dropped_with_a_note() {
        let script = Script::parse("BEGIN;\ncreate table w(i int);\nCOMMIT;\n").unwrap();
        assert_eq!(script.statements.len(), 1);
        assert_eq!(script.notes.len(), 1);
        assert!(Script::parse("BEGIN;\nselect 1;\nCOMMIT;\nBEGIN;\nselect 2;\nCOMMIT;").is_err());
    }

    #[test]
    fn statements_that_need_no_transaction_point_at_the_marker() {
        for sql in [
            "CREATE INDEX CONCURRENTLY i ON t (a);",
            "create unique index concurrently if not exists i on t (a);",
            "DROP INDEX CONCURRENTLY i;",
            "REINDEX (VERBOSE) INDEX CONCURRENTLY i;",
            "VACUUM t;",
            "ALTER TABLE p DETACH PARTITION c CONCURRENTLY;",
        ] {
            let r = refusal(sql);
            assert!(
                r.message.contains("-- lma:no-transaction"),
                "{sql}: {}",
                r.message
            );
        }
        assert!(Script::parse("CREATE INDEX i ON t (a);").is_ok());
    }

    #[test]
    fn a_new_enum_value_used_in_the_same_transaction_is_refused() {
        let r =
            refusal("ALTER TYPE s ADD VALUE IF NOT EXISTS 'won''t';\n\nUPDATE t SET s = 'won''t';");
        assert_eq!(r.line, 3);
        assert!(Script::parse("ALTER TYPE public.s ADD VALUE 'x';\nSELECT 'y';").is_ok());
    }

    #[test]
    fn no_transaction_files_must_name_concurrent_indexes_and_end_their_transactions() {
        let marker = "-- lma:no-transaction\n";
        assert!(Script::parse(&format!("{marker}CREATE INDEX CONCURRENTLY ON t (a);")).is_err());
        assert!(Script::parse(&format!("{marker}CREATE INDEX CONCURRENTLY i ON t (a);")).is_ok());
        let open = refusal(&format!("{marker}BEGIN;\ncreate table b(i int);"));
        assert_eq!(open.line, 2);
        assert!(Script::parse(&format!("{marker}BEGIN;\nselect 1;\nCOMMIT;")).is_ok());
    }

    #[test]
    fn psql_meta_commands_are_refused_except_restrict() {
        let r = refusal("select 1;\n\\connect other\n");
        assert_eq!(r.line, 2);
        let script = Script::parse("\\restrict abc\nselect 1;\n\\unrestrict abc\n").unwrap();
        assert_eq!(script.statements.len(), 1);
    }

    #[test]
    fn concurrent_index_names_are_found() {
        let name = |sql| concurrent_index_name(sql);
        assert_eq!(
            name("CREATE INDEX CONCURRENTLY Idx_A ON t (a)").as_deref(),
            Some("idx_a")
        );
        assert_eq!(
            name("create unique index concurrently if not exists \"Big\" on t (a)").as_deref(),
            Some("Big")
        );
        assert_eq!(name("CREATE INDEX idx_a ON t (a)"), None);
        assert_eq!(name("CREATE INDEX CONCURRENTLY ON t (a)"), None);
        assert_eq!(name("DROP INDEX CONCURRENTLY idx_a"), None);
        assert!(is_unnamed_concurrent_index(
            "CREATE INDEX CONCURRENTLY ON t (a)"
        ));
        assert!(!is_unnamed_concurrent_index(
            "CREATE INDEX CONCURRENTLY \"Q\" ON t (a)"
        ));
    }
}
