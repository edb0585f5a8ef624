//! Migration text: the no-transaction marker, and splitting a script into its statements.
//!
//! Splitting uses sqlparser's PostgreSQL tokenizer, so semicolons inside quotes, dollar quotes,
//! quoted identifiers and (nested) comments never cut a statement.

use anyhow::Context as _;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

/// A migration whose first line is this comment runs statement by statement, outside a
/// transaction, as `CREATE INDEX CONCURRENTLY` requires.
pub const NO_TRANSACTION_MARKER: &str = "-- lma:no-transaction";

/// Whether the migration asks to run outside a transaction.
#[must_use]
pub fn is_no_transaction(sql: &str) -> bool {
    sql.lines()
        .next()
        .is_some_and(|line| line.trim() == NO_TRANSACTION_MARKER)
}

/// One statement of a script and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub text: String,
    pub line: usize,
}

/// Splits a script at its top-level semicolons; comment-only pieces are dropped.
pub fn split(sql: &str) -> anyhow::Result<Vec<Statement>> {
    let tokens = tokenize(sql)?;
    let offsets = LineOffsets::new(sql);
    let mut statements = Vec::new();
    let mut first: Option<&TokenWithSpan> = None;
    for token in &tokens {
        match &token.token {
            Token::Whitespace(_) | Token::EOF => {}
            Token::SemiColon => {
                if let Some(start) = first.take() {
                    statements.push(statement(sql, &offsets, start, token));
                }
            }
            _ => first = first.or(Some(token)),
        }
    }
    if let (Some(start), Some(last)) = (first, tokens.iter().rev().find(|t| !is_blank(&t.token))) {
        statements.push(statement(sql, &offsets, start, last));
    }
    Ok(statements)
}

/// The name of the index a `CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] name` builds.
#[must_use]
pub fn concurrent_index_name(statement: &str) -> Option<String> {
    let tokens = tokenize(statement).ok()?;
    let mut words = tokens
        .iter()
        .filter(|t| !is_blank(&t.token))
        .map(|t| &t.token);
    let mut expect =
        |keyword: Keyword| matches!(words.next(), Some(Token::Word(w)) if w.keyword == keyword);
    if !expect(Keyword::CREATE) {
        return None;
    }
    let rest: Vec<&Token> = words.collect();
    let rest = match rest.first() {
        Some(Token::Word(w)) if w.keyword == Keyword::UNIQUE => &rest[1..],
        _ => &rest[..],
    };
    let [Token::Word(index), Token::Word(concurrently), tail @ ..] = rest else {
        return None;
    };
    if index.keyword != Keyword::INDEX || concurrently.keyword != Keyword::CONCURRENTLY {
        return None;
    }
    let name = match tail {
        [Token::Word(w1), Token::Word(w2), Token::Word(w3), Token::Word(name), ..]
            if [w1.keyword, w2.keyword, w3.keyword]
                == [Keyword::IF, Keyword::NOT, Keyword::EXISTS] =>
        {
            name
        }
        [Token::Word(name), ..] if name.keyword != Keyword::ON => name,
        _ => return None,
    };
    // PostgreSQL folds unquoted identifiers to lower case.
    Some(if name.quote_style.is_some() {
        name.value.clone()
    } else {
        name.value.to_lowercase()
    })
}

fn tokenize(sql: &str) -> anyhow::Result<Vec<TokenWithSpan>> {
    Tokenizer::new(&PostgreSqlDialect {}, sql)
        .tokenize_with_location()
        .context("cannot split the migration into statements")
}

fn is_blank(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_) | Token::EOF | Token::SemiColon)
}

fn statement(
    sql: &str,
    offsets: &LineOffsets,
    start: &TokenWithSpan,
    end: &TokenWithSpan,
) -> Statement {
    let from = offsets.byte(sql, start.span.start.line, start.span.start.column);
    let to = offsets.byte(sql, end.span.end.line, end.span.end.column);
    Statement {
        text: sql[from..to].trim().to_owned(),
        line: usize::try_from(start.span.start.line).unwrap_or(1),
    }
}

/// Maps the tokenizer's 1-based (line, character column) locations to byte offsets.
struct LineOffsets(Vec<usize>);

impl LineOffsets {
    fn new(sql: &str) -> Self {
        let starts = std::iter::once(0).chain(sql.match_indices('\n').map(|(at, _)| at + 1));
        Self(starts.collect())
    }

    fn byte(&self, sql: &str, line: u64, column: u64) -> usize {
        let line = usize::try_from(line.max(1) - 1).unwrap_or(usize::MAX);
        let Some(&line_start) = self.0.get(line) else {
            return sql.len();
        };
        let chars = usize::try_from(column.max(1) - 1).unwrap_or(usize::MAX);
        sql[line_start..]
            .char_indices()
            .nth(chars)
            .map_or(sql.len(), |(at, _)| line_start + at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<String> {
        split(sql).unwrap().into_iter().map(|s| s.text).collect()
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
        let statements = split("SELECT 1;\n\n  SELECT 2;\nSELECT 3").unwrap();
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
            .unwrap()
            .is_empty());
    }

    #[test]
    fn the_marker_must_be_the_first_line() {
        assert!(is_no_transaction(
            "-- lma:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);"
        ));
        assert!(!is_no_transaction("\n-- lma:no-transaction\n"));
        assert!(!is_no_transaction("SELECT 1; -- lma:no-transaction"));
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
    }
}
