//! What every command is given: the output settings, stderr, the configuration and the database.

use std::io::IsTerminal as _;

use crate::config::{self, FileConfig};
use crate::db::Database;
use crate::output::{self, ColorChoice, Format, Report};
use crate::progress::Progress;

/// The global options as given, before the configuration is read.
#[derive(Debug, Clone)]
pub struct Globals {
    /// Every `--database-url`, in order.
    pub database_urls: Vec<String>,
    /// `--config`: the file to read instead of config/lma.toml.
    pub config: Option<std::path::PathBuf>,
    pub format: Format,
    pub color: ColorChoice,
    pub quiet: bool,
    pub verbose: u8,
}

/// The resolved global options of one `lma` invocation.
#[derive(Debug)]
pub struct Context {
    pub format: Format,
    pub color: bool,
    pub progress: Progress,
    pub config: FileConfig,
    /// Every `--database-url` given, in order (several make `migrate`, `status`, `drift` and
    /// `indexes` a fleet run).
    pub database_flags: Vec<String>,
}

impl Context {
    /// Reads the configuration and settles colour once.
    pub fn new(global: &Globals) -> anyhow::Result<Self> {
        let config = config::load(global.config.as_deref())?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Ok(Self {
            format: global.format,
            color,
            progress: Progress::new(global.quiet, global.verbose),
            config,
            database_flags: global.database_urls.clone(),
        })
    }

    /// The database named by the flag, the environment, the config or libpq's defaults.
    pub fn database(&self) -> anyhow::Result<Database> {
        let env = |key: &str| std::env::var(key).ok();
        let url = config::database_url(self.single_flag()?, &env, &self.config);
        Database::resolve(url.as_deref(), &env, self.config.database.connect_timeout)
    }

    /// The database when one is named (flag, DATABASE_URL or the config), else none: for
    /// commands that work without one.
    pub fn database_if_given(&self) -> anyhow::Result<Option<Database>> {
        let env = |key: &str| std::env::var(key).ok();
        let url = config::database_url(self.single_flag()?, &env, &self.config);
        url.map(|url| Database::resolve(Some(&url), &env, self.config.database.connect_timeout))
            .transpose()
    }

    /// The one `--database-url` of a single-database command; several are for the fleet
    /// commands only.
    fn single_flag(&self) -> anyhow::Result<Option<&str>> {
        if self.database_flags.len() > 1 {
            anyhow::bail!(
                "--database-url was given {} times: only migrate, status, drift and indexes take several targets",
                self.database_flags.len()
            );
        }
        Ok(self.database_flags.first().map(String::as_str))
    }

    /// Prints the report on stdout in the chosen format.
    pub fn emit<R: Report>(&self, report: &R) -> anyhow::Result<()> {
        output::emit(
            report,
            self.format,
            self.color,
            &mut std::io::stdout().lock(),
        )
    }
}
