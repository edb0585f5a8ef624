//! Where migrations come from: the LMA schema embedded at build time, or a directory at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use refinery::Migration;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// The embedded migrations up to this version are released: they have been applied outside
/// this repository, so they are frozen, and a change is a new migration. A test pins their
/// checksums (tests/fixtures/released_checksums.txt). V14, V21, V23, V24 and V25 were edited
/// after their first commit, before this line was drawn.
pub const RELEASED_THROUGH: i64 = 29;

/// An ordered set of migrations and the files they came from.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    migrations: Vec<Migration>,
    files: BTreeMap<i64, PathBuf>,
}

impl MigrationSet {
    /// The LMA schema, as compiled into this binary.
    #[must_use]
    pub fn embedded() -> Self {
        let mut migrations = embedded::migrations::runner().get_migrations().clone();
        migrations.sort();
        let files = migrations
            .iter()
            .map(|m| {
                let file = format!("migrations/{}{}__{}.sql", m.prefix(), m.version(), m.name());
                (m.version(), PathBuf::from(file))
            })
            .collect();
        Self { migrations, files }
    }

    /// The `V{n}__{name}.sql` files of a directory (not of its subdirectories). A file that looks
    /// like a migration but is not named like one is an error, unless `ignore` matches it: a
    /// silently skipped migration is a schema that silently differs.
    pub fn from_dir(dir: &Path, ignore: &[String]) -> anyhow::Result<Self> {
        if !dir.is_dir() {
            bail!("migrations directory {} does not exist", dir.display());
        }
        let ignore = patterns(ignore)?;
        let mut migrations = Vec::new();
        let mut files = BTreeMap::new();
        let mut misnamed = Vec::new();
        for path in entries(dir)? {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if ignore.iter().any(|p| p.matches(name)) || !looks_like_migration(name) {
                continue;
            }
            let Some(stem) = migration_stem(name) else {
                misnamed.push(name.to_owned());
                continue;
            };
            let migration = read_migration(&path, stem)?;
            if let Some(other) = files.insert(migration.version(), path.clone()) {
                bail!(
                    "{} and {} have the same version",
                    other.display(),
                    path.display()
                );
            }
            migrations.push(migration);
        }
        if !misnamed.is_empty() {
            bail!(
                "{} in {} look like migrations but are not named V{{version}}__{{name}}.sql (the name in letters, digits and _): rename them, or list them in [migrate] ignore",
                misnamed.join(", "),
                dir.display()
            );
        }
        if migrations.is_empty() {
            bail!(
                "no V{{version}}__{{name}}.sql migrations in {}",
                dir.display()
            );
        }
        migrations.sort();
        Ok(Self { migrations, files })
    }

    /// The directory's migrations when one is given, else the embedded schema.
    pub fn load(dir: Option<&Path>, ignore: &[String]) -> anyhow::Result<Self> {
        dir.map_or_else(|| Ok(Self::embedded()), |dir| Self::from_dir(dir, ignore))
    }

    /// The migrations, in version order.
    #[must_use]
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The file a version came from, for error messages.
    #[must_use]
    pub fn file(&self, version: i64) -> Option<&Path> {
        self.files.get(&version).map(PathBuf::as_path)
    }

    /// The file a migration came from, else its refinery name: for messages.
    #[must_use]
    pub fn label(&self, migration: &Migration) -> String {
        self.file(migration.version())
            .map_or_else(|| migration.to_string(), |path| path.display().to_string())
    }

    /// The highest version in the set.
    #[must_use]
    pub fn latest_version(&self) -> Option<i64> {
        self.migrations.last().map(Migration::version)
    }
}

/// The directory's files, sorted by name; subdirectories are not read.
fn entries(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let list = std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut paths = Vec::new();
    for entry in list {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        if entry
            .file_type()
            .is_ok_and(|t| t.is_file() || t.is_symlink())
            && entry.path().is_file()
        {
            paths.push(entry.path());
        }
    }
    paths.sort();
    Ok(paths)
}

fn patterns(ignore: &[String]) -> anyhow::Result<Vec<glob::Pattern>> {
    ignore
        .iter()
        .map(|p| {
            glob::Pattern::new(p).with_context(|| format!("[migrate] ignore: bad pattern {p:?}"))
        })
        .collect()
}

/// SQL files, and anything named like a versioned, undo or repeatable migration of refinery,
/// Flyway or Liquibase-formatted SQL, in any case.
fn looks_like_migration(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let second = chars.next();
    Path::new(name)
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("sql"))
        || (matches!(first, Some('v' | 'u' | 'r'))
            && (second.is_some_and(|c| c.is_ascii_digit()) || lower[1..].starts_with("__")))
}

/// `V{digits}__{word characters}.sql` exactly, as refinery parses it; the stem without `.sql`.
fn migration_stem(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".sql")?;
    let (version, title) = stem.strip_prefix('V')?.split_once("__")?;
    let valid = !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit())
        && !title.is_empty()
        && title.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then_some(stem)
}

fn read_migration(path: &Path, stem: &str) -> anyhow::Result<Migration> {
    let sql = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read migration {}", path.display()))?;
    // A byte-order mark would hide the no-transaction marker and reach the server.
    let sql = sql.strip_prefix('\u{feff}').unwrap_or(&sql);
    Migration::unapplied(stem, sql).map_err(|err| {
        anyhow::anyhow!(
            "invalid migration {}: {err} (versions must fit a 64-bit integer)",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, sql: &str) {
        std::fs::write(dir.join(name), sql).unwrap();
    }

    #[test]
    fn a_directory_loads_in_version_order_and_remembers_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "V10__later.sql", "SELECT 10;");
        write(dir.path(), "V2__earlier.sql", "SELECT 2;");
        write(dir.path(), "README.md", "not a migration");
        let set = MigrationSet::from_dir(dir.path(), &[]).unwrap();
        let versions: Vec<i64> = set.migrations().iter().map(Migration::version).collect();
        assert_eq!(versions, [2, 10]);
        assert_eq!(set.latest_version(), Some(10));
        assert!(set.file(2).unwrap().ends_with("V2__earlier.sql"));
    }

    #[test]
    fn duplicate_versions_are_an_error_naming_both_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "V1__one.sql", "SELECT 1;");
        write(dir.path(), "V1__again.sql", "SELECT 1;");
        let err = format!("{:#}", MigrationSet::from_dir(dir.path(), &[]).unwrap_err());
        assert!(
            err.contains("V1__one.sql") && err.contains("V1__again.sql"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_or_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(MigrationSet::from_dir(dir.path(), &[]).is_err());
        assert!(MigrationSet::from_dir(&dir.path().join("nope"), &[]).is_err());
    }

    /// Names issue 13 found skipped silently, and a plain SQL file.
    const MISNAMED: [&str; 7] = [
        "V2_typo.sql",
        "V3__has space.sql",
        "V2__add-users.sql",
        "v2__x.sql",
        "V3__x.SQL",
        "R__views.sql",
        "notes.sql",
    ];

    #[test]
    fn misnamed_files_are_each_named_unless_ignored_and_subfolders_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "V1__ok.sql", "SELECT 1;");
        for name in MISNAMED {
            write(dir.path(), name, "SELECT 2;");
        }
        write(dir.path(), "README.md", "not a migration");
        std::fs::create_dir(dir.path().join("archive")).unwrap();
        write(&dir.path().join("archive"), "V2__old.sql", "SELECT 2;");
        let err = format!("{:#}", MigrationSet::from_dir(dir.path(), &[]).unwrap_err());
        for name in MISNAMED {
            assert!(err.contains(name), "{name}: {err}");
        }
        assert!(!err.contains("README") && !err.contains("old"), "{err}");
        let ignore = [
            "V2*".to_owned(),
            "V3__*".to_owned(),
            "v2__x.sql".to_owned(),
            "R__*".to_owned(),
            "notes.sql".to_owned(),
        ];
        let set = MigrationSet::from_dir(dir.path(), &ignore).unwrap();
        let versions: Vec<i64> = set.migrations().iter().map(Migration::version).collect();
        assert_eq!(versions, [1]);
    }

    #[test]
    fn timestamp_versions_and_byte_order_marks_are_read() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "V20240101120000__stamp.sql",
            "\u{feff}-- lma:no-transaction\nSELECT 1;",
        );
        let set = MigrationSet::from_dir(dir.path(), &[]).unwrap();
        let migration = &set.migrations()[0];
        assert_eq!(migration.version(), 20_240_101_120_000);
        assert!(migration
            .sql()
            .unwrap()
            .starts_with("-- lma:no-transaction"));
        write(dir.path(), "V99999999999999999999__big.sql", "SELECT 1;");
        let err = format!("{:#}", MigrationSet::from_dir(dir.path(), &[]).unwrap_err());
        assert!(err.contains("V99999999999999999999__big.sql"), "{err}");
    }

    #[test]
    fn embedded_files_are_named_as_on_disk() {
        let set = MigrationSet::embedded();
        for migration in set.migrations() {
            let path = set.file(migration.version()).unwrap();
            assert!(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(path).is_file(),
                "{}",
                path.display()
            );
        }
    }
}
