//! The `lma` binary: parse the command line, run it, and turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;
use lma::cli::Cli;
use lma::exit::ExitStatus;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // --help and --version are "errors" printed on stdout with exit 0.
        Err(err) if !err.use_stderr() => {
            return err
                .print()
                .map_or(ExitCode::FAILURE, |()| ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("{}", lma::cli::usage_error(&err));
            return ExitStatus::Error.into();
        }
    };
    let mut builder = if cli.command.is_round_trip_bound() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let outcome = builder
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(lma::run(cli)));
    match outcome {
        Ok(status) => status.into(),
        Err(err) => {
            // The chain may quote the server, which quotes names: escape what commands a terminal.
            let line = lma::output::terminal_safe(&lma::exit::one_line(&err));
            eprintln!("error: {line}");
            ExitStatus::Error.into()
        }
    }
}
