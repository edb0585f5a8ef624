//! The options of `seed` and `demo`.

use clap::Args;

use crate::seed::plan::Scale;

/// Options of `lma seed`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How much data: tiny (100 leads), small (20,000), medium (200,000), large (1,000,000).
    #[arg(long, value_enum, default_value_t = Scale::Small)]
    pub scale: Scale,

    /// Any number of leads instead of the scale's; the other tables scale with it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=50_000_000))]
    pub leads: Option<u32>,

    /// The random seed: the same seed and anchor give the same data, byte for byte.
    #[arg(long, value_name = "S", default_value_t = crate::seed::DEFAULT_SEED)]
    pub seed: u64,

    /// The date whose midnight (UTC) ends the generated history [default: today, in UTC]. The
    /// history spans the two years before it and scheduled communications the half year after,
    /// so queries on recent time windows find rows; pass a fixed date to reproduce a seed.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::seed::world::parse_date)]
    pub anchor: Option<time::Date>,

    /// Empty all 14 tenant tables first (TRUNCATE ... RESTART IDENTITY CASCADE); without it, a
    /// database that already has tenant data is refused.
    #[arg(long)]
    pub truncate: bool,

    /// Accept a database with pending migrations, if its history matches the files and it is at
    /// V10 or later (where all 14 tables exist): to measure an older schema, as the baseline of
    /// docs/benchmarks.md does. Later objects that are absent are simply not filled.
    #[arg(long)]
    pub allow_pending: bool,
}

impl SeedArgs {
    /// The plain options of `seed`: --leads over the scale's, the anchor today unless given.
    #[must_use]
    pub fn options(&self) -> crate::seed::Options {
        crate::seed::Options {
            scale: self.leads.is_none().then_some(self.scale),
            leads: self.leads.unwrap_or_else(|| self.scale.leads()),
            seed: self.seed,
            anchor: self.anchor.unwrap_or_else(crate::seed::world::today),
            truncate: self.truncate,
            allow_pending: self.allow_pending,
        }
    }
}

/// Options of `lma demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the throwaway cluster's directory after the demo, for inspection.
    #[arg(long)]
    pub keep: bool,
}
