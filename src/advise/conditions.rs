//! What a query asks of each table, read from its generic plan (EXPLAIN VERBOSE, parameters
//! left as `$n`): the conditions of each scan split into conjuncts and classified (equality on
//! a parameter or a constant, range, IS NULL, JSON containment, LIKE), the ORDER BY keys of the
//! sorts above it, and its output columns.
//!
//! The conditions are PostgreSQL's own deparsed text, so the classification is a small scanner
//! over that text (quotes and parentheses respected), not a SQL parser: what it cannot classify
//! it leaves out, and HypoPG judges every candidate anyway.

use crate::check::plan::Node;

/// One conjunct of a scan's conditions, without the alias qualifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conjunct {
    /// `column = <parameter, outer column or expression>` (or `= ANY (…)`).
    Equal { column: String },
    /// A condition with constants only (`status = 'NEW'::lead_status`, `x IS NULL`, `is_active`,
    /// `NOT archived`, `status <> 'LOST'`): it can be the WHERE of a partial index. `column` is
    /// the column a B-tree could take as a key instead (`None` for `<>`).
    Constant {
        text: String,
        column: Option<String>,
    },
    /// `column < …`, `>`, `<=`, `>=`, or `ROW(a, b) < ROW(…)`.
    Range { columns: Vec<String> },
    /// `column @> …`: JSON or array containment.
    Contains { column: String },
    /// `<expression> ~~* …` (ILIKE) or `~~` (LIKE): a trigram index on the expression.
    Like { expression: String },
}

/// One ORDER BY key of a sort above a scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub column: String,
    pub desc: bool,
    /// `NULLS FIRST` or `NULLS LAST` when the key says so.
    pub nulls: Option<String>,
}

/// What the plan asks of one relation (one alias of it).
#[derive(Debug, Clone, Default)]
pub struct Access {
    pub schema: String,
    pub table: String,
    pub alias: String,
    pub conjuncts: Vec<Conjunct>,
    pub sort: Vec<SortKey>,
    /// The plain columns the scan outputs.
    pub output: Vec<String>,
}

/// Every relation the plan scans, each alias once, with what the query asks of it.
#[must_use]
pub fn accesses(root: &Node) -> Vec<Access> {
    let mut out: Vec<Access> = Vec::new();
    for (node, _) in root.walk() {
        let (Some(table), Some(alias)) = (&node.relation, &node.alias) else {
            continue;
        };
        // The same alias may name two tables in two subqueries.
        let same = |a: &Access| &a.alias == alias && &a.table == table;
        if !out.iter().any(same) {
            out.push(Access {
                schema: node.schema.clone().unwrap_or_else(|| "public".to_owned()),
                table: table.clone(),
                alias: alias.clone(),
                ..Access::default()
            });
        }
        let Some(access) = out.iter_mut().find(|a| same(a)) else {
            continue;
        };
        let conditions = [&node.index_cond, &node.recheck_cond, &node.filter];
        for text in conditions.into_iter().flatten() {
            for conjunct in conjuncts(&unqualify(text, alias)) {
                if !access.conjuncts.contains(&conjunct) {
                    access.conjuncts.push(conjunct);
                }
            }
        }
        for column in &node.output {
            let column = unqualify(column, alias);
            if is_identifier(&column) && !access.output.contains(&column) {
                access.output.push(column);
            }
        }
    }
    add_join_columns(root, &mut out);
    add_sort_keys(root, &mut out);
    out
}

/// Hash and merge conditions `a.x = b.y` make `x` an equality column of `a` (and `y` of `b`):
/// an index there turns the join into a nested loop of index lookups.
fn add_join_columns(root: &Node, accesses: &mut [Access]) {
    for (node, _) in root.walk() {
        for text in [&node.hash_cond, &node.merge_cond].into_iter().flatten() {
            for part in split_top(strip_parens(text), " AND ") {
                let Some((left, right)) = split_operator(strip_parens(part), " = ") else {
                    continue;
                };
                for side in [left, right] {
                    let Some((alias, column)) = qualified(strip_parens(side)) else {
                        continue;
                    };
                    if let Some(access) = accesses.iter_mut().find(|a| a.alias == alias) {
                        let conjunct = Conjunct::Equal { column };
                        if !access.conjuncts.contains(&conjunct) {
                            access.conjuncts.push(conjunct);
                        }
                    }
                }
            }
        }
    }
}

/// A sort whose keys are all columns of one alias gives that relation its ORDER BY.
fn add_sort_keys(root: &Node, accesses: &mut [Access]) {
    for (node, _) in root.walk() {
        if !node.node_type.ends_with("Sort") || node.sort_key.is_empty() {
            continue;
        }
        let single = (accesses.len() == 1).then(|| accesses[0].alias.clone());
        let mut keys = Vec::new();
        let mut owner: Option<String> = None;
        for text in &node.sort_key {
            let Some((alias, key)) = sort_key(text, single.as_deref()) else {
                break;
            };
            if owner.get_or_insert_with(|| alias.clone()) != &alias {
                break;
            }
            keys.push(key);
        }
        if let Some(access) = owner.and_then(|o| accesses.iter_mut().find(|a| a.alias == o)) {
            if access.sort.is_empty() {
                access.sort = keys;
            }
        }
    }
}

fn sort_key(text: &str, single: Option<&str>) -> Option<(String, SortKey)> {
    let mut words = text.split_whitespace();
    let expr = words.next()?;
    let rest: Vec<&str> = words.collect();
    let (alias, column) = match qualified(expr) {
        Some(pair) => pair,
        None if is_identifier(expr) => (single?.to_owned(), expr.to_owned()),
        None => return None,
    };
    let desc = rest.first() == Some(&"DESC");
    let nulls = rest
        .windows(2)
        .find(|w| w[0] == "NULLS")
        .map(|w| format!("NULLS {}", w[1]));
    Some((
        alias,
        SortKey {
            column,
            desc,
            nulls,
        },
    ))
}

/// `alias.column` split; `None` for anything else.
fn qualified(text: &str) -> Option<(String, String)> {
    let (alias, column) = text.split_once('.')?;
    (is_identifier(alias) && is_identifier(column)).then(|| (alias.to_owned(), column.to_owned()))
}

/// Splits a condition into its top-level conjuncts and classifies each; OR, functions and
/// anything else unrecognised are left out.
#[must_use]
pub fn conjuncts(text: &str) -> Vec<Conjunct> {
    split_top(strip_parens(text), " AND ")
        .into_iter()
        .filter_map(|part| classify(strip_parens(part)))
        .collect()
}

fn classify(text: &str) -> Option<Conjunct> {
    if split_top(text, " OR ").len() > 1 {
        return None;
    }
    for suffix in [" IS NULL", " IS NOT NULL"] {
        if let Some(column) = text.strip_suffix(suffix).and_then(column_of) {
            let text = format!("{column}{suffix}");
            return Some(Conjunct::Constant {
                text,
                column: Some(column),
            });
        }
    }
    if let Some(column) = column_of(text) {
        return Some(Conjunct::Constant {
            text: column.clone(),
            column: Some(column),
        });
    }
    if let Some(column) = text.strip_prefix("NOT ").and_then(column_of) {
        return Some(Conjunct::Constant {
            text: format!("NOT {column}"),
            column: Some(column),
        });
    }
    binary(text)
}

const OPERATORS: [&str; 10] = [
    " = ANY ", " @> ", " ~~* ", " ~~ ", " <= ", " >= ", " <> ", " = ", " < ", " > ",
];

fn binary(text: &str) -> Option<Conjunct> {
    let (op, left, right) = OPERATORS
        .iter()
        .find_map(|op| split_operator(text, op).map(|(l, r)| (*op, l, r)))?;
    let left = strip_parens(left);
    if let Some(inner) = left.strip_prefix("ROW(").and_then(|r| r.strip_suffix(')')) {
        let columns: Option<Vec<String>> =
            split_top(inner, ", ").into_iter().map(column_of).collect();
        return matches!(op, " < " | " > " | " <= " | " >= ")
            .then_some(Conjunct::Range { columns: columns? });
    }
    if matches!(op, " ~~* " | " ~~ ") {
        return Some(Conjunct::Like {
            expression: left.to_owned(),
        });
    }
    let constant = is_constant(strip_parens(right));
    let Some(column) = column_of(left) else {
        // `lower(email) = lower($2)`: an expression index can serve an equality.
        return (op == " = " && !constant && is_call(left)).then(|| Conjunct::Equal {
            column: format!("({left})"),
        });
    };
    Some(match op {
        " = ANY " | " = " if constant => Conjunct::Constant {
            text: format!("({text})"),
            column: Some(column),
        },
        " = ANY " | " = " => Conjunct::Equal { column },
        " <> " if constant => Conjunct::Constant {
            text: format!("({text})"),
            column: None,
        },
        " @> " => Conjunct::Contains { column },
        " < " | " > " | " <= " | " >= " => Conjunct::Range {
            columns: vec![column],
        },
        _ => return None,
    })
}

/// The column a side names: `col`, `(col)::type` or a quoted name; `None` for anything else.
fn column_of(text: &str) -> Option<String> {
    let text = strip_parens(text);
    let bare = match text.split_once(")::") {
        Some((inner, _)) if text.starts_with('(') => &inner[1..],
        _ => text,
    };
    is_identifier(bare).then(|| bare.to_owned())
}

/// A function call over the row, e.g. `lower((email)::text)`.
fn is_call(text: &str) -> bool {
    text.split_once('(')
        .is_some_and(|(name, _)| is_identifier(name))
        && text.ends_with(')')
}

/// A literal with no parameter and no column: `'NEW'::lead_status`, `42`, `true`, `'{a,b}'::text[]`.
fn is_constant(text: &str) -> bool {
    let value = match text.find("::") {
        Some(i) if text.starts_with('\'') => &text[..i],
        _ => text,
    };
    (value.starts_with('\'') && value.ends_with('\'') && value.len() >= 2)
        || value.parse::<f64>().is_ok()
        || matches!(value, "true" | "false" | "NULL")
}

/// A plain or quoted SQL identifier.
#[must_use]
pub fn is_identifier(text: &str) -> bool {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return !inner.is_empty() && !inner.replace("\"\"", "").contains('"');
    }
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
}

/// The text without `alias.` before identifiers (outside string literals).
#[must_use]
pub fn unqualify(text: &str, alias: &str) -> String {
    let prefix = format!("{alias}.");
    let mut out = String::with_capacity(text.len());
    let mut in_quote = false;
    let mut previous: Option<char> = None;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let c = rest.chars().next().expect("inside the text");
        let boundary =
            previous.is_none_or(|p| !(p.is_ascii_alphanumeric() || p == '_' || p == '.'));
        if !in_quote && boundary && rest.starts_with(&prefix) {
            i += prefix.len();
            previous = Some('.');
            continue;
        }
        if c == '\'' {
            in_quote = !in_quote;
        }
        out.push(c);
        previous = Some(c);
        i += c.len_utf8();
    }
    out
}

/// The text without parentheses that enclose all of it.
#[must_use]
pub fn strip_parens(text: &str) -> &str {
    let mut text = text.trim();
    while text.starts_with('(') && text.ends_with(')') && closing(text) == Some(text.len() - 1) {
        text = text[1..text.len() - 1].trim();
    }
    text
}

/// The index of the parenthesis that closes the one at 0.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0i32;
    let mut in_quote = false;
    for (i, c) in text.char_indices() {
        match c {
            '\'' => in_quote = !in_quote,
            '(' if !in_quote => depth += 1,
            ')' if !in_quote => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at every `separator` outside parentheses and string literals.
#[must_use]
pub fn split_top<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut in_quote = false;
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().expect("inside the text");
        match c {
            '\'' => in_quote = !in_quote,
            '(' | '[' if !in_quote => depth += 1,
            ')' | ']' if !in_quote => depth -= 1,
            _ if !in_quote && depth == 0 && text[i..].starts_with(separator) => {
                parts.push(&text[start..i]);
                i += separator.len();
                start = i;
                continue;
            }
            _ => {}
        }
        i += c.len_utf8();
    }
    parts.push(&text[start..]);
    parts
}

/// The two sides of the first top-level `operator`.
fn split_operator<'a>(text: &'a str, operator: &str) -> Option<(&'a str, &'a str)> {
    let parts = split_top(text, operator);
    if parts.len() < 2 {
        return None;
    }
    let left = parts[0];
    Some((left, &text[left.len() + operator.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conjuncts_are_classified_from_the_deparsed_filter() {
        let filter = "((l.organization_id = $1) AND (l.assigned_to_id IS NULL) AND \
                      (l.status = 'NEW'::lead_status) AND (ROW(l.created_at, l.id) < ROW($2, $3)))";
        let found = conjuncts(&unqualify(filter, "l"));
        assert_eq!(
            found,
            [
                Conjunct::Equal {
                    column: "organization_id".into()
                },
                Conjunct::Constant {
                    text: "assigned_to_id IS NULL".into(),
                    column: Some("assigned_to_id".into())
                },
                Conjunct::Constant {
                    text: "(status = 'NEW'::lead_status)".into(),
                    column: Some("status".into())
                },
                Conjunct::Range {
                    columns: vec!["created_at".into(), "id".into()]
                },
            ]
        );
    }

    #[test]
    fn containment_like_booleans_and_ors_are_told_apart() {
        assert_eq!(
            conjuncts("(custom_fields @> $2)"),
            [Conjunct::Contains {
                column: "custom_fields".into()
            }]
        );
        let like = conjuncts(
            "((((first_name)::text || ' '::text) || email) ~~* (('%'::text || $2) || '%'::text))",
        );
        assert_eq!(
            like,
            [Conjunct::Like {
                expression: "((first_name)::text || ' '::text) || email".into()
            }]
        );
        assert_eq!(
            conjuncts("(is_active AND (NOT archived))"),
            [
                Conjunct::Constant {
                    text: "is_active".into(),
                    column: Some("is_active".into())
                },
                Conjunct::Constant {
                    text: "NOT archived".into(),
                    column: Some("archived".into())
                },
            ]
        );
        assert!(conjuncts("((a = 1) OR (b = 2))").is_empty());
        assert_eq!(
            conjuncts("(lower((email)::text) = lower($2))"),
            [Conjunct::Equal {
                column: "(lower((email)::text))".into()
            }]
        );
        assert_eq!(
            conjuncts("(created_at > (now() - '30 days'::interval))"),
            [Conjunct::Range {
                columns: vec!["created_at".into()]
            }]
        );
    }

    #[test]
    fn qualifiers_go_but_string_literals_keep_theirs() {
        assert_eq!(
            unqualify("(l.x = 'l.y') AND (ll.z = l.w)", "l"),
            "(x = 'l.y') AND (ll.z = w)"
        );
    }

    #[test]
    fn sort_keys_keep_direction_and_nulls() {
        let key = sort_key("l.score DESC NULLS LAST", None).unwrap();
        assert_eq!(key.0, "l");
        assert!(key.1.desc);
        assert_eq!(key.1.nulls.as_deref(), Some("NULLS LAST"));
        assert_eq!(sort_key("id", Some("leads")).unwrap().1.column, "id");
        assert!(sort_key("(a + b)", Some("t")).is_none());
    }
}
