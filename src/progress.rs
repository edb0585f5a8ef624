//! stderr: progress bars (only on a terminal), notes and warnings, quiet and verbose.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What goes to stderr, and whether bars are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    quiet: bool,
    verbose: u8,
    terminal: bool,
}

impl Progress {
    /// From the `-q`/`-v` flags; bars only when stderr is a terminal.
    #[must_use]
    pub fn new(quiet: bool, verbose: u8) -> Self {
        Self {
            quiet,
            verbose,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A bar of `len` steps, hidden unless stderr is a terminal and we are not quiet.
    #[must_use]
    pub fn bar(&self, len: u64, prefix: &str) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::new(len).with_prefix(prefix.to_owned());
        let style = ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")
            .expect("the template is valid")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A set of bars drawn together (one per table of `lma seed`); hidden unless stderr is a
    /// terminal and we are not quiet.
    #[must_use]
    pub fn multi(&self) -> MultiProgress {
        if self.quiet || !self.terminal {
            MultiProgress::with_draw_target(ProgressDrawTarget::hidden())
        } else {
            MultiProgress::new()
        }
    }

    /// A bar counting `len` rows in `multi`, with the rate in rows per second.
    #[must_use]
    pub fn rows_bar(&self, multi: &MultiProgress, len: u64, prefix: &str) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = multi.add(ProgressBar::new(len).with_prefix(prefix.to_owned()));
        let style = ProgressStyle::with_template(
            "{prefix:>24} [{bar:30}] {human_pos:>9}/{human_len:9} {per_sec:>14} {msg}",
        )
        .expect("the template is valid")
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A bar for one of a set of items worked on at once (a target of a fleet run), labelled
    /// with its name; hidden unless stderr is a terminal and we are not quiet.
    #[must_use]
    pub fn item_bar(&self, multi: &MultiProgress, prefix: &str) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = multi.add(ProgressBar::new(0).with_prefix(prefix.to_owned()));
        let style = ProgressStyle::with_template("{prefix:>24} [{bar:30}] {pos}/{len} {msg}")
            .expect("the template is valid")
            .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// A line of progress news, unless quiet. Printed above any bar that is drawn.
    pub fn note(&self, bar: Option<&ProgressBar>, message: &str) {
        if !self.quiet {
            print_above(bar, message);
        }
    }

    /// Whether `-v` was given: some reports then show more.
    #[must_use]
    pub fn is_verbose(&self) -> bool {
        self.verbose > 0
    }

    /// Detail shown with `-v`.
    pub fn detail(&self, message: &str) {
        if self.verbose > 0 && !self.quiet {
            eprintln!("{message}");
        }
    }

    /// A warning: shown even when quiet, because it changes what the report means.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {message}");
    }
}

fn print_above(bar: Option<&ProgressBar>, message: &str) {
    match bar {
        Some(bar) => bar.suspend(|| eprintln!("{message}")),
        None => eprintln!("{message}"),
    }
}
