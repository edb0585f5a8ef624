//! The rules of `lma lint`: squawk's, chosen by `[lint]` and by what lma's runner does, and
//! lma's own, which report what `lma migrate` refuses.

use std::str::FromStr as _;

use anyhow::{bail, Context as _};
use squawk_linter::{Rule, Version};

use crate::config::LintSection;
use crate::migrate::script::RefusalKind;

/// squawk's rules that lma's runner satisfies or checks more exactly itself, never run:
/// - `lma migrate` sets lock_timeout and statement_timeout on every migration's session;
/// - lma knows which files run in a transaction (the `-- lma:no-transaction` marker), drops a
///   whole-file `BEGIN … COMMIT` wrapper, and refuses any other transaction control or a
///   CONCURRENTLY build in a transaction; its own rules report those exactly.
pub const RUNNER_RULES: [Rule; 5] = [
    Rule::RequireLockTimeout,
    Rule::RequireStatementTimeout,
    Rule::TransactionNesting,
    Rule::BanUncommittedTransaction,
    Rule::BanConcurrentIndexCreationInTransaction,
];

/// A statement squawk's parser cannot read (squawk-cli's name for it).
pub const SYNTAX_ERROR: &str = "syntax-error";
/// An applied migration whose file changed since (its checksum differs from the history's).
pub const APPLIED_FILE_EDITED: &str = "lma-applied-file-edited";
/// An `-- lma:ignore` comment that names no known rule, an lma rule, or gives no reason.
pub const INVALID_IGNORE: &str = "lma-invalid-ignore";

/// The name of the lma rule that reports a refusal of `lma migrate`.
#[must_use]
pub fn refusal_rule(kind: RefusalKind) -> &'static str {
    match kind {
        RefusalKind::MetaCommand => "lma-psql-meta-command",
        RefusalKind::TransactionControl => "lma-transaction-control",
        RefusalKind::NeedsNoTransaction => "lma-concurrently-in-transaction",
        RefusalKind::NewEnumValueUsed => "lma-new-enum-value-used",
        RefusalKind::UnnamedConcurrentIndex => "lma-unnamed-concurrent-index",
        RefusalKind::UnendedTransaction => "lma-unended-transaction",
    }
}

/// Every lma rule: none can be switched off or ignored, because `lma migrate` refuses what
/// they report (or, for an edited applied file, refuses to run on top of it) whatever lint says.
pub const LMA_RULES: [&str; 9] = [
    "lma-psql-meta-command",
    "lma-transaction-control",
    "lma-concurrently-in-transaction",
    "lma-new-enum-value-used",
    "lma-unnamed-concurrent-index",
    "lma-unended-transaction",
    APPLIED_FILE_EDITED,
    INVALID_IGNORE,
    SYNTAX_ERROR,
];

/// Where a rule is documented.
#[must_use]
pub fn docs_url(rule: &str) -> String {
    if LMA_RULES.contains(&rule) {
        format!("docs/lint.md#{rule}")
    } else {
        format!("https://squawkhq.com/docs/{rule}")
    }
}

/// The squawk rules to run and the settings to run them with.
#[derive(Debug, Clone)]
pub struct RuleSet {
    pub include: Vec<Rule>,
    pub exclude: Vec<Rule>,
    pub pg_version: Version,
}

impl RuleSet {
    /// Checks `[lint]`: every key a squawk rule, every rule switched off with a reason, none
    /// of lma's rules or the runner's.
    pub fn resolve(section: &LintSection) -> anyhow::Result<Self> {
        let pg_version = Version::from_str(&section.pg_version)
            .map_err(|err| anyhow::anyhow!("{err}"))
            .with_context(|| format!("[lint] pg_version {:?}", section.pg_version))?;
        let mut set = Self {
            include: Vec::new(),
            exclude: RUNNER_RULES.to_vec(),
            pg_version,
        };
        for (name, setting) in &section.rules {
            if LMA_RULES.contains(&name.as_str()) {
                bail!("[lint.rules] {name}: lma's own rules cannot be configured, because `lma migrate` refuses what they report");
            }
            let rule = Rule::from_str(name).map_err(|_| {
                anyhow::anyhow!("[lint.rules] {name}: no squawk rule has that name")
            })?;
            if RUNNER_RULES.contains(&rule) {
                bail!("[lint.rules] {name}: lma's runner takes care of this rule (docs/lint.md); remove the entry");
            }
            if setting.enabled {
                set.include.push(rule);
            } else if setting
                .reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
            {
                bail!("[lint.rules] {name}: a rule switched off needs a reason");
            } else {
                set.exclude.push(rule);
            }
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(rules: &str) -> LintSection {
        crate::config::parse(&format!("[lint.rules]\n{rules}"))
            .unwrap()
            .lint
    }

    #[test]
    fn rules_are_switched_by_squawk_name_and_off_only_with_a_reason() {
        let set = RuleSet::resolve(&section(
            "prefer-text-field = { enabled = false, reason = \"legacy\" }\nban-drop-policy = { enabled = true }\n",
        ))
        .unwrap();
        assert!(set.exclude.contains(&Rule::PreferTextField));
        assert!(set.include.contains(&Rule::BanDropPolicy));
        for bad in [
            "prefer-text-field = { enabled = false }",
            "no-such-rule = { enabled = true }",
            "require-lock-timeout = { enabled = true }",
            "lma-transaction-control = { enabled = false, reason = \"x\" }",
        ] {
            assert!(RuleSet::resolve(&section(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_runner_rules_never_run_and_docs_point_at_the_right_place() {
        let set = RuleSet::resolve(&LintSection::default()).unwrap();
        assert!(set.exclude.contains(&Rule::RequireStatementTimeout));
        assert_eq!(
            docs_url("prefer-text-field"),
            "https://squawkhq.com/docs/prefer-text-field"
        );
        assert_eq!(
            docs_url(refusal_rule(RefusalKind::UnnamedConcurrentIndex)),
            "docs/lint.md#lma-unnamed-concurrent-index"
        );
    }
}
