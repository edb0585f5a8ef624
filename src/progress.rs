//! stderr: progress bars (only on a terminal), notes and warnings, quiet and verbose. Every
//! line and bar label passes `output::terminal_safe`: they name targets, tables and migrations.

use std::io::IsTerminal as _;
use std::time::Duration;

use crate::output::terminal_safe_lines;
use indicatif::{
    HumanCount, MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle,
};

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
        let bar = ProgressBar::new(len).with_prefix(terminal_safe_lines(prefix));
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

    /// A bar counting `len` rows in `multi`, with the rate in rows per second and the time left.
    #[must_use]
    pub fn rows_bar(&self, multi: &MultiProgress, len: u64, prefix: &str) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = multi.add(ProgressBar::new(len).with_prefix(terminal_safe_lines(prefix)));
        bar.set_style(rows_style());
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }

    /// The bar of all rows, drawn first in `multi` so that a short terminal, which shows only
    /// the top bars, still shows it.
    #[must_use]
    pub fn overall_rows_bar(&self, multi: &MultiProgress) -> ProgressBar {
        if self.quiet || !self.terminal {
            return ProgressBar::hidden();
        }
        let bar = multi.insert(0, ProgressBar::new(0).with_prefix("all tables"));
        bar.set_style(rows_style());
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
        let bar = multi.add(ProgressBar::new(0).with_prefix(terminal_safe_lines(prefix)));
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
            eprintln!("{}", terminal_safe_lines(message));
        }
    }

    /// A warning: shown even when quiet, because it changes what the report means.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {}", terminal_safe_lines(message));
    }
}

/// Rows done of all, a whole-number rate and the time left. (indicatif reads a width given to
/// `{per_sec}` as its precision, which printed rates like `263.38932140816587/s`.)
fn rows_style() -> ProgressStyle {
    ProgressStyle::with_template(
        "{prefix:>24} [{bar:30}] {human_pos:>11}/{human_len:11} {rate:>13} {eta:>4} {msg}",
    )
    .expect("the template is valid")
    .with_key(
        "rate",
        |state: &ProgressState, out: &mut dyn std::fmt::Write| {
            let _ = write!(out, "{}", rate(state.per_sec()));
        },
    )
    .progress_chars("=> ")
}

/// A rate as whole rows per second with thousands separators, e.g. `12,345 rows/s`.
fn rate(per_sec: f64) -> String {
    let whole = if per_sec.is_finite() && per_sec > 0.0 {
        // Rounded, positive and bounded, so the cast neither truncates nor wraps.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let whole = per_sec.round().min(1e15) as u64;
        whole
    } else {
        0
    };
    format!("{} rows/s", HumanCount(whole))
}

fn print_above(bar: Option<&ProgressBar>, message: &str) {
    let message = terminal_safe_lines(message);
    match bar {
        Some(bar) => bar.suspend(|| eprintln!("{message}")),
        None => eprintln!("{message}"),
    }
}

#[cfg(test)]
mod tests {
    use super::rate;

    #[test]
    fn a_rate_is_whole_rows_with_separators() {
        assert_eq!(rate(263.389_321_405_816_6), "263 rows/s");
        assert_eq!(rate(1_234_567.8), "1,234,568 rows/s");
        assert_eq!(rate(f64::NAN), "0 rows/s");
    }
}
