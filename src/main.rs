//! The `lma` binary: parse the command line, run it, and turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use lma::cli::Cli;
use lma::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(lma::run(cli)));
    match outcome {
        Ok(status) => status.into(),
        Err(err) => {
            eprintln!("error: {}", lma::exit::one_line(&err));
            ExitStatus::Error.into()
        }
    }
}
