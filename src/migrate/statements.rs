//! Splitting a migration into statements the way psql does, on squawk's PostgreSQL lexer.
//!
//! psql (src/bin/psql/psqlscan.l) ends a statement at a semicolon outside quotes, comments and
//! parentheses, and, in `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, outside `BEGIN … END`
//! (SQL-standard bodies, `BEGIN ATOMIC`). A backslash outside quotes starts a psql
//! meta-command that runs to the end of the line, and `COPY … FROM STDIN` is followed by its
//! data up to a line `\.`. The same rules here mean lma runs exactly the statements psql would.

use squawk_lexer::{LiteralKind, TokenKind};

/// A migration whose first line is this comment runs statement by statement, outside a
/// transaction, as `CREATE INDEX CONCURRENTLY` requires.
pub const NO_TRANSACTION_MARKER: &str = "-- lma:no-transaction";

/// Whether the migration asks to run outside a transaction.
#[must_use]
pub fn is_no_transaction(sql: &str) -> bool {
    sql.trim_start_matches('\u{feff}')
        .lines()
        .next()
        .is_some_and(|line| line.trim() == NO_TRANSACTION_MARKER)
}

/// One statement of a script and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// From its first token to its semicolon (included, when it has one).
    pub text: String,
    pub line: usize,
    /// The rows that follow a `COPY … FROM STDIN`, up to (not including) the `\.` line.
    pub copy_data: Option<String>,
}

/// A psql meta-command (`\connect db`), which only psql can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCommand {
    pub text: String,
    pub line: usize,
}

/// A script cut into what psql would send and what it would run itself.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Split {
    pub statements: Vec<Statement>,
    pub meta_commands: Vec<MetaCommand>,
}

/// Splits a script as psql does; comment-only pieces are dropped.
#[must_use]
pub fn split(sql: &str) -> Split {
    let mut splitter = Splitter::new(sql);
    splitter.run();
    splitter.out
}

/// The significant tokens of a statement (no whitespace or comments), with their text.
#[must_use]
pub fn tokens(text: &str) -> Vec<(TokenKind, &str)> {
    let mut at = 0;
    let mut out = Vec::new();
    for token in squawk_lexer::tokenize(text) {
        let len = token.len as usize;
        let piece = &text[at..at + len];
        at += len;
        if !is_trivia(token.kind) {
            out.push((token.kind, piece));
        }
    }
    out
}

/// The statement's leading words, upper-cased, up to its first token that is not a word.
#[must_use]
pub fn leading_words(text: &str) -> Vec<String> {
    // Lexes only up to the first token that is not a word: statements can be long (function
    // bodies), and this runs several times per statement.
    let mut at = 0;
    let mut words = Vec::new();
    for token in squawk_lexer::tokenize(text) {
        let piece = &text[at..at + token.len as usize];
        at += token.len as usize;
        match token.kind {
            kind if is_trivia(kind) => {}
            TokenKind::Ident => words.push(piece.to_ascii_uppercase()),
            _ => break,
        }
    }
    words
}

/// Whether a token is a string literal of any kind.
#[must_use]
pub fn is_string(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Literal {
            kind: LiteralKind::Str { .. }
                | LiteralKind::EscStr { .. }
                | LiteralKind::DollarQuotedString { .. }
                | LiteralKind::UnicodeEscStr { .. }
        }
    )
}

fn is_trivia(kind: TokenKind) -> bool {
    matches!(
        kind,
        TokenKind::Whitespace | TokenKind::LineComment | TokenKind::BlockComment { .. }
    )
}

/// psql's scanner state for the statement being read.
struct Splitter<'a> {
    sql: &'a str,
    out: Split,
    /// Byte offset of the current statement's first token.
    start: Option<usize>,
    paren_depth: usize,
    begin_depth: usize,
    /// The statement's words so far, upper-cased, for the `CREATE FUNCTION` test.
    words: Vec<String>,
}

impl<'a> Splitter<'a> {
    fn new(sql: &'a str) -> Self {
        Self {
            sql,
            out: Split::default(),
            start: None,
            paren_depth: 0,
            begin_depth: 0,
            words: Vec::new(),
        }
    }

    /// Lexes from `from`; a COPY's data or a meta-command restarts the lexer after itself.
    fn run(&mut self) {
        let mut from = 0;
        'restart: while from < self.sql.len() {
            let mut at = from;
            for token in squawk_lexer::tokenize(&self.sql[from..]) {
                let start = at;
                at += token.len as usize;
                if let Some(resume) = self.token(token.kind, start, at) {
                    from = resume;
                    continue 'restart;
                }
            }
            break;
        }
        if let Some(start) = self.start.take() {
            self.push(start, self.sql.len(), None);
        }
    }

    /// Feeds one token; returns where to resume lexing when the token ended a region the
    /// lexer must not see (a meta-command's line, a COPY's data).
    fn token(&mut self, kind: TokenKind, start: usize, end: usize) -> Option<usize> {
        let text = &self.sql[start..end];
        match kind {
            _ if is_trivia(kind) => return None,
            TokenKind::Unknown if text == "\\" => return Some(self.meta_command(start)),
            TokenKind::Semi if self.paren_depth == 0 && self.begin_depth == 0 => {
                return self.end_statement(end);
            }
            TokenKind::OpenParen => self.paren_depth += 1,
            TokenKind::CloseParen => self.paren_depth = self.paren_depth.saturating_sub(1),
            TokenKind::Ident => self.word(text),
            _ => {}
        }
        self.start.get_or_insert(start);
        None
    }

    /// psql's heuristic: inside `CREATE [OR REPLACE] FUNCTION|PROCEDURE`, at paren depth 0,
    /// BEGIN opens a block that END closes, and CASE inside a block needs its END too.
    fn word(&mut self, text: &str) {
        let word = text.to_ascii_uppercase();
        if self.words.len() < 4 {
            self.words.push(word.clone());
        }
        if !self.is_routine() || self.paren_depth > 0 {
            return;
        }
        match word.as_str() {
            "BEGIN" => self.begin_depth += 1,
            "CASE" if self.begin_depth > 0 => self.begin_depth += 1,
            "END" => self.begin_depth = self.begin_depth.saturating_sub(1),
            _ => {}
        }
    }

    fn is_routine(&self) -> bool {
        let w: Vec<&str> = self.words.iter().map(String::as_str).collect();
        matches!(
            w.as_slice(),
            ["CREATE", "FUNCTION" | "PROCEDURE", ..]
                | ["CREATE", "OR", "REPLACE", "FUNCTION" | "PROCEDURE"]
        )
    }

    fn end_statement(&mut self, end: usize) -> Option<usize> {
        let start = self.start.take()?;
        let text = &self.sql[start..end];
        if !is_copy_from_stdin(text) {
            self.push(start, end, None);
            return None;
        }
        // The data starts on the line after the statement and ends at a line `\.`.
        let data_start = line_end(self.sql, end);
        let (data, resume) = copy_data(&self.sql[data_start..]);
        self.push(start, end, Some(data.to_owned()));
        Some(data_start + resume)
    }

    fn meta_command(&mut self, start: usize) -> usize {
        let end = self.sql[start..]
            .find('\n')
            .map_or(self.sql.len(), |at| start + at);
        self.out.meta_commands.push(MetaCommand {
            text: self.sql[start..end].trim_end().to_owned(),
            line: line_at(self.sql, start),
        });
        end
    }

    fn push(&mut self, start: usize, end: usize, copy_data: Option<String>) {
        self.out.statements.push(Statement {
            text: self.sql[start..end].trim_end().to_owned(),
            line: line_at(self.sql, start),
            copy_data,
        });
        self.paren_depth = 0;
        self.begin_depth = 0;
        self.words.clear();
    }
}

fn is_copy_from_stdin(text: &str) -> bool {
    let words = tokens(text);
    let word = |i: usize, w: &str| {
        words
            .get(i)
            .is_some_and(|(k, t)| *k == TokenKind::Ident && t.eq_ignore_ascii_case(w))
    };
    word(0, "COPY") && (0..words.len()).any(|i| word(i, "FROM") && word(i + 1, "STDIN"))
}

/// The offset just past the end of the line that `at` is on.
fn line_end(sql: &str, at: usize) -> usize {
    sql[at..].find('\n').map_or(sql.len(), |nl| at + nl + 1)
}

/// COPY data up to a line `\.`, and the offset after that line; all of it when there is none.
fn copy_data(rest: &str) -> (&str, usize) {
    let mut at = 0;
    while at < rest.len() {
        let next = line_end(rest, at);
        if rest[at..next].trim_end_matches(['\n', '\r']) == "\\." {
            return (&rest[..at], next);
        }
        at = next;
    }
    (rest, rest.len())
}

/// The 1-based line of a byte offset.
#[must_use]
pub fn line_at(sql: &str, offset: usize) -> usize {
    sql[..offset].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split(sql).statements.into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn semicolons_in_quotes_comments_and_dollar_quotes_do_not_split() {
        let sql = "-- a comment; still a comment\nSELECT 'a;b', \"c;d\";\n/* x; /* nested; */ y; */\nDO $body$ BEGIN PERFORM 1; END $body$;\nSELECT E'it\\'s;';";
        assert_eq!(
            texts(sql),
            [
                "SELECT 'a;b', \"c;d\";",
                "DO $body$ BEGIN PERFORM 1; END $body$;",
                "SELECT E'it\\'s;';",
            ]
        );
    }

    #[test]
    fn statements_know_their_line_and_a_missing_final_semicolon_is_fine() {
        let statements = split("SELECT 1;\n\n  SELECT 2;\nSELECT 3").statements;
        let lines: Vec<usize> = statements.iter().map(|s| s.line).collect();
        assert_eq!(lines, [1, 3, 4]);
        assert_eq!(statements[2].text, "SELECT 3");
    }

    #[test]
    fn multibyte_text_keeps_its_boundaries() {
        assert_eq!(
            texts("SELECT 'é;ü';\nSELECT 'ß';"),
            ["SELECT 'é;ü';", "SELECT 'ß';"]
        );
    }

    #[test]
    fn comment_only_scripts_have_no_statements() {
        assert!(split("-- lma:no-transaction\n/* nothing */\n")
            .statements
            .is_empty());
    }

    #[test]
    fn the_marker_must_be_the_first_line() {
        assert!(is_no_transaction(
            "-- lma:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"
        ));
        assert!(is_no_transaction("\u{feff}-- lma:no-transaction\n"));
        assert!(!is_no_transaction("\n-- lma:no-transaction\n"));
        assert!(!is_no_transaction("SELECT 1; -- lma:no-transaction"));
    }

    #[test]
    fn begin_atomic_bodies_are_one_statement() {
        let sql = "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END;\n  SELECT a;\nEND;\nCREATE OR REPLACE PROCEDURE p() BEGIN ATOMIC INSERT INTO t VALUES (1); END;\nSELECT 2;";
        let statements = split(sql).statements;
        assert_eq!(statements.len(), 3, "{statements:#?}");
        assert!(statements[0].text.ends_with("END;"));
        assert_eq!(statements[1].line, 6);
        assert_eq!(statements[2].text, "SELECT 2;");
    }

    #[test]
    fn begin_and_end_outside_routines_are_transaction_statements() {
        assert_eq!(
            texts("BEGIN;\nCREATE TABLE t (i int);\nEND;"),
            ["BEGIN;", "CREATE TABLE t (i int);", "END;"]
        );
    }

    #[test]
    fn rule_actions_in_parentheses_are_one_statement() {
        let sql = "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\nSELECT 1;";
        assert_eq!(texts(sql).len(), 2);
    }

    #[test]
    fn copy_from_stdin_carries_its_data_and_meta_commands_are_set_apart() {
        let sql = "\\connect lma\nCOPY t (a, b) FROM stdin;\n1\t'x;\n2\t$$\n\\.\nSELECT 1;\n";
        let split = split(sql);
        assert_eq!(split.meta_commands.len(), 1);
        assert_eq!(split.meta_commands[0].text, "\\connect lma");
        assert_eq!(split.statements.len(), 2, "{split:#?}");
        assert_eq!(
            split.statements[0].copy_data.as_deref(),
            Some("1\t'x;\n2\t$$\n")
        );
        assert_eq!(split.statements[1].text, "SELECT 1;");
        assert_eq!(split.statements[1].line, 6);
    }

    #[test]
    fn leading_words_stop_at_the_first_non_word() {
        assert_eq!(
            leading_words("/* c */ create unique index concurrently \"X\" on t (a)"),
            ["CREATE", "UNIQUE", "INDEX", "CONCURRENTLY"]
        );
    }
}
