//! The manual: shell completion scripts and man pages, generated from the command line's own
//! definition so they never lag behind a flag.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::exit::ExitStatus;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitStatus> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "lma", &mut out);
    out.flush().context("cannot write the completion script")?;
    Ok(ExitStatus::Success)
}

/// Prints the man page of `lma` on stdout, or with `dir` writes it and one page per command
/// there (`lma.1`, `lma-migrate.1`, …).
pub fn man(dir: Option<&Path>) -> anyhow::Result<ExitStatus> {
    let command = Cli::command();
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        clap_mangen::generate_to(command, dir)
            .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
    } else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .and_then(|()| out.flush())
            .context("cannot write the man page")?;
    }
    Ok(ExitStatus::Success)
}
