//! Comparing the target's catalog with the one its migrations make: each object added (only
//! in the target), missing (only in the migrations' schema) or changed, with the SQL that
//! brings the target back in line where that is simple.

use serde::Serialize;

use super::catalog::{Catalog, Object};
use crate::config::DriftIgnore;

/// How an object differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// In the database, made by no migration (a hotfix index, say).
    Added,
    /// Made by a migration, absent from the database.
    Missing,
    /// In both, defined differently.
    Changed,
}

impl Change {
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::Missing => "missing",
            Self::Changed => "changed",
        }
    }
}

/// One object that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub change: Change,
    pub kind: String,
    pub name: String,
    /// Its definition in the database; none when missing.
    pub database: Option<String>,
    /// Its definition as the migrations make it; none when added.
    pub migrations: Option<String>,
    /// SQL that makes the database match the migrations, when it is simple.
    pub fix: Option<String>,
    /// Differences of objects inside this one (its columns, indexes, grants, comments, …),
    /// folded into it: an added table's fix drops them all, a missing one's cannot be simple.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// Why the difference is accepted ([[drift.ignore]]); accepted ones never fail the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// Every difference between the database and the migrations' schema, in kind and name order.
#[must_use]
pub fn compare(database: &Catalog, migrations: &Catalog) -> Vec<Difference> {
    let mut out = Vec::new();
    for (key, ours) in database {
        match migrations.get(key) {
            None => out.push(difference(Change::Added, Some(ours), None)),
            Some(theirs) if theirs.definition != ours.definition => {
                out.push(difference(Change::Changed, Some(ours), Some(theirs)));
            }
            Some(_) => {}
        }
    }
    for (key, theirs) in migrations {
        if !database.contains_key(key) {
            out.push(difference(Change::Missing, None, Some(theirs)));
        }
    }
    out.sort_by(|a, b| (rank(&a.kind), &a.kind, &a.name).cmp(&(rank(&b.kind), &b.kind, &b.name)));
    fold(out)
}

/// The order in which fixes can run: what others depend on first, comments and grants last.
const ORDER: [&str; 22] = [
    "schema",
    "extension",
    "enum",
    "domain",
    "sequence",
    "table",
    "column",
    "not null",
    "default",
    "constraint",
    "index",
    "statistics",
    "function",
    "procedure",
    "aggregate",
    "view",
    "materialized view",
    "trigger",
    "row level security",
    "policy",
    "grant",
    "comment",
];

fn rank(kind: &str) -> usize {
    ORDER.iter().position(|k| *k == kind).unwrap_or(ORDER.len())
}

/// Kinds whose objects hold others, named after them (`public.t` holds `public.t.c`).
const CONTAINERS: [&str; 10] = [
    "schema",
    "table",
    "view",
    "materialized view",
    "function",
    "procedure",
    "sequence",
    "enum",
    "domain",
    "aggregate",
];

/// Folds each difference inside an added or missing container into the container's.
fn fold(differences: Vec<Difference>) -> Vec<Difference> {
    let containers: Vec<(Change, String, String)> = differences
        .iter()
        .filter(|d| d.change != Change::Changed && CONTAINERS.contains(&d.kind.as_str()))
        .map(|d| (d.change, d.kind.clone(), d.name.clone()))
        .collect();
    let mut kept: Vec<Difference> = Vec::new();
    let mut folded: Vec<(usize, String)> = Vec::new();
    for difference in differences {
        let parent = containers.iter().position(|(change, kind, name)| {
            *change == difference.change
                && !(kind == &difference.kind && name == &difference.name)
                && names_inside(&difference.name, name)
        });
        match parent {
            Some(at) => folded.push((at, format!("{} {}", difference.kind, difference.name))),
            None => kept.push(difference),
        }
    }
    for (at, child) in folded {
        let (change, kind, name) = &containers[at];
        if let Some(parent) = kept
            .iter_mut()
            .find(|d| d.change == *change && &d.kind == kind && &d.name == name)
        {
            parent.covers.push(child);
        }
    }
    kept
}

/// Whether `name` mentions `container` as a whole name: at its start or after a space, and
/// followed by its end, a `.` or a space.
fn names_inside(name: &str, container: &str) -> bool {
    name.match_indices(container).any(|(at, _)| {
        let before = name[..at].chars().next_back();
        let after = name[at + container.len()..].chars().next();
        before.is_none_or(|c| c == ' ') && after.is_none_or(|c| c == '.' || c == ' ')
    })
}

fn difference(change: Change, ours: Option<&Object>, theirs: Option<&Object>) -> Difference {
    let any = ours.or(theirs).expect("a difference has at least one side");
    Difference {
        change,
        kind: any.kind.clone(),
        name: any.name.clone(),
        database: ours.map(|o| o.definition.clone()),
        migrations: theirs.map(|o| o.definition.clone()),
        fix: fix(change, ours, theirs),
        covers: Vec::new(),
        ignored: None,
    }
}

/// The SQL that makes the database's side the migrations' side, where it is simple.
fn fix(change: Change, ours: Option<&Object>, theirs: Option<&Object>) -> Option<String> {
    match (change, ours, theirs) {
        (Change::Added, Some(ours), _) => ours.drop_sql.clone(),
        (Change::Missing, _, Some(theirs)) => theirs.create_sql.clone(),
        (Change::Changed, Some(ours), Some(theirs)) => changed_fix(ours, theirs),
        _ => None,
    }
}

fn changed_fix(ours: &Object, theirs: &Object) -> Option<String> {
    // A constraint added NOT VALID and never validated: validating it is the whole fix.
    if ours.kind == "constraint"
        && ours.definition.strip_suffix(" NOT VALID") == Some(theirs.definition.as_str())
    {
        let drop = ours.drop_sql.as_deref()?;
        return Some(drop.replacen("DROP CONSTRAINT", "VALIDATE CONSTRAINT", 1));
    }
    if let Some(alter) = &theirs.alter_sql {
        return Some(alter.clone());
    }
    // Objects nothing else depends on by name are simply made again.
    if matches!(
        ours.kind.as_str(),
        "policy" | "trigger" | "constraint" | "index"
    ) {
        if let (Some(drop), Some(create)) = (&ours.drop_sql, &theirs.create_sql) {
            return Some(format!("{drop}\n{create}"));
        }
    }
    None
}

/// Marks the differences an ignore entry accepts; a bad pattern is an error.
pub fn apply_ignores(differences: &mut [Difference], ignore: &[DriftIgnore]) -> anyhow::Result<()> {
    let mut patterns = Vec::new();
    for entry in ignore {
        if entry.reason.trim().is_empty() {
            anyhow::bail!(
                "[[drift.ignore]] {:?}: the reason is required",
                entry.object
            );
        }
        let pattern = glob::Pattern::new(&entry.object)
            .map_err(|err| anyhow::anyhow!("[[drift.ignore]] {:?}: {err}", entry.object))?;
        patterns.push((pattern, &entry.reason));
    }
    for difference in differences {
        let object = format!("{} {}", difference.kind, difference.name);
        if let Some((_, reason)) = patterns.iter().find(|(p, _)| p.matches(&object)) {
            difference.ignored = Some((*reason).clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(kind: &str, name: &str, definition: &str) -> Object {
        Object {
            kind: kind.into(),
            name: name.into(),
            definition: definition.into(),
            create_sql: Some(format!("CREATE {name}")),
            alter_sql: None,
            drop_sql: Some(format!("ALTER TABLE t DROP CONSTRAINT {name}")),
        }
    }

    fn catalog(objects: &[Object]) -> Catalog {
        objects
            .iter()
            .map(|o| ((o.kind.clone(), o.name.clone()), o.clone()))
            .collect()
    }

    #[test]
    fn each_side_and_each_change_is_reported_once() {
        let db = catalog(&[object("index", "a", "x"), object("policy", "p", "1")]);
        let mig = catalog(&[object("policy", "p", "2"), object("enum", "e", "'a'")]);
        let diffs = compare(&db, &mig);
        let found: Vec<(Change, &str)> =
            diffs.iter().map(|d| (d.change, d.kind.as_str())).collect();
        assert_eq!(
            found,
            [
                (Change::Missing, "enum"),
                (Change::Added, "index"),
                (Change::Changed, "policy")
            ]
        );
    }

    #[test]
    fn what_is_inside_an_added_table_is_folded_into_it() {
        let db = catalog(&[
            object("table", "public.t", "table"),
            object("column", "public.t.a", "int"),
            object("grant", "TABLE public.t to app: SELECT", "granted"),
            object("column", "public.t2.a", "int"),
        ]);
        let diffs = compare(&db, &Catalog::new());
        let names: Vec<&str> = diffs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["public.t", "public.t2.a"]);
        assert_eq!(
            diffs[0].covers,
            ["column public.t.a", "grant TABLE public.t to app: SELECT"]
        );
    }

    #[test]
    fn a_not_valid_constraint_is_fixed_by_validating_it() {
        let db = catalog(&[object("constraint", "c", "CHECK (a > 0) NOT VALID")]);
        let mig = catalog(&[object("constraint", "c", "CHECK (a > 0)")]);
        let diff = &compare(&db, &mig)[0];
        assert_eq!(
            diff.fix.as_deref(),
            Some("ALTER TABLE t VALIDATE CONSTRAINT c")
        );
    }

    #[test]
    fn ignores_need_a_reason_and_match_kind_and_name() {
        let db = catalog(&[object("index", "public.t USING btree (a)", "x")]);
        let mut diffs = compare(&db, &Catalog::new());
        let entry = |object: &str, reason: &str| DriftIgnore {
            object: object.into(),
            reason: reason.into(),
        };
        assert!(apply_ignores(&mut diffs, &[entry("index *", " ")]).is_err());
        apply_ignores(&mut diffs, &[entry("index public.t *", "hotfix, kept")]).unwrap();
        assert_eq!(diffs[0].ignored.as_deref(), Some("hotfix, kept"));
    }
}
