//! `-- lma:ignore RULE[,RULE] reason`: accepts the named findings of the next statement.

use squawk_lexer::TokenKind;

use crate::migrate::statements::Statement;

/// The comment's prefix.
pub const PREFIX: &str = "-- lma:ignore";

/// One ignore comment and the lines of the statement it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    /// The comment's line.
    pub line: usize,
    pub rules: Vec<String>,
    pub reason: String,
    /// The first and last line of the next statement; `None` when none follows.
    pub covers: Option<(usize, usize)>,
}

impl Ignore {
    /// Whether this comment accepts a finding of `rule` at `line`.
    #[must_use]
    pub fn accepts(&self, rule: &str, line: usize) -> bool {
        self.rules.iter().any(|r| r == rule)
            && self
                .covers
                .is_some_and(|(first, last)| (first..=last).contains(&line))
    }
}

/// The ignore comments of a file (line comments only, so none inside a string or a body).
#[must_use]
pub fn find(text: &str, statements: &[Statement]) -> Vec<Ignore> {
    let mut at = 0;
    let mut line = 1;
    let mut found = Vec::new();
    for token in squawk_lexer::tokenize(text) {
        let piece = &text[at..at + token.len as usize];
        at += token.len as usize;
        if token.kind == TokenKind::LineComment {
            if let Some(rest) = piece.strip_prefix(PREFIX) {
                if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                    found.push(parse(rest, line, statements));
                }
            }
        }
        line += piece.matches('\n').count();
    }
    found
}

fn parse(rest: &str, line: usize, statements: &[Statement]) -> Ignore {
    let rest = rest.trim();
    let (rules, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let covers = statements.iter().find(|s| s.line > line).map(|s| {
        let last = s.line + s.text.trim_end().matches('\n').count();
        (s.line, last)
    });
    Ignore {
        line,
        rules: rules
            .split(',')
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_owned)
            .collect(),
        reason: reason.trim().to_owned(),
        covers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::statements::split;

    #[test]
    fn an_ignore_covers_the_whole_next_statement_only() {
        let sql = "-- lma:ignore ban-drop-column,renaming-column the app stopped reading it\nALTER TABLE t\n  DROP COLUMN c;\nALTER TABLE t DROP COLUMN d;\n";
        let ignores = find(sql, &split(sql).statements);
        assert_eq!(ignores.len(), 1);
        let ignore = &ignores[0];
        assert_eq!(ignore.rules, ["ban-drop-column", "renaming-column"]);
        assert_eq!(ignore.reason, "the app stopped reading it");
        assert!(ignore.accepts("ban-drop-column", 3));
        assert!(!ignore.accepts("ban-drop-column", 4));
        assert!(!ignore.accepts("prefer-text-field", 2));
    }

    #[test]
    fn ignores_inside_strings_and_other_comments_do_not_count() {
        let sql = "SELECT '-- lma:ignore x y';\n-- lma:ignored x y\n/* -- lma:ignore x y */ SELECT 1;\n-- lma:ignore x\nSELECT 2;\n";
        let ignores = find(sql, &split(sql).statements);
        assert_eq!(ignores.len(), 1);
        assert_eq!((ignores[0].line, ignores[0].reason.as_str()), (4, ""));
    }
}
