//! Where migrations come from: the LMA schema embedded at build time, or a directory at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use refinery::Migration;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// An ordered set of migrations and the files they came from.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    migrations: Vec<Migration>,
    files: BTreeMap<i32, PathBuf>,
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

    /// The `V{n}__{name}.sql` files of a directory.
    pub fn from_dir(dir: &Path) -> anyhow::Result<Self> {
        if !dir.is_dir() {
            bail!("migrations directory {} does not exist", dir.display());
        }
        let paths = refinery_core::find_migration_files(dir, refinery_core::MigrationType::Sql)
            .with_context(|| format!("cannot list migrations in {}", dir.display()))?;
        let mut migrations = Vec::new();
        let mut files = BTreeMap::new();
        for path in paths {
            let migration = read_migration(&path)?;
            if let Some(other) = files.insert(migration.version(), path.clone()) {
                bail!(
                    "{} and {} have the same version",
                    other.display(),
                    path.display()
                );
            }
            migrations.push(migration);
        }
        if migrations.is_empty() {
            bail!("no V{{n}}__{{name}}.sql migrations in {}", dir.display());
        }
        migrations.sort();
        Ok(Self { migrations, files })
    }

    /// The directory's migrations when one is given, else the embedded schema.
    pub fn load(dir: Option<&Path>) -> anyhow::Result<Self> {
        dir.map_or_else(|| Ok(Self::embedded()), Self::from_dir)
    }

    /// The migrations, in version order.
    #[must_use]
    pub fn migrations(&self) -> &[Migration] {
        &self.migrations
    }

    /// The file a version came from, for error messages.
    #[must_use]
    pub fn file(&self, version: i32) -> Option<&Path> {
        self.files.get(&version).map(PathBuf::as_path)
    }

    /// The highest version in the set.
    #[must_use]
    pub fn latest_version(&self) -> Option<i32> {
        self.migrations.last().map(Migration::version)
    }
}

fn read_migration(path: &Path) -> anyhow::Result<Migration> {
    let sql = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read migration {}", path.display()))?;
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .with_context(|| format!("migration file name {} is not UTF-8", path.display()))?;
    Migration::unapplied(stem, &sql)
        .with_context(|| format!("invalid migration {}", path.display()))
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
        let set = MigrationSet::from_dir(dir.path()).unwrap();
        let versions: Vec<i32> = set.migrations().iter().map(Migration::version).collect();
        assert_eq!(versions, [2, 10]);
        assert_eq!(set.latest_version(), Some(10));
        assert!(set.file(2).unwrap().ends_with("V2__earlier.sql"));
    }

    #[test]
    fn duplicate_versions_are_an_error_naming_both_files() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "V1__one.sql", "SELECT 1;");
        write(dir.path(), "V1__again.sql", "SELECT 1;");
        let err = format!("{:#}", MigrationSet::from_dir(dir.path()).unwrap_err());
        assert!(
            err.contains("V1__one.sql") && err.contains("V1__again.sql"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_or_missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(MigrationSet::from_dir(dir.path()).is_err());
        assert!(MigrationSet::from_dir(&dir.path().join("nope")).is_err());
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
