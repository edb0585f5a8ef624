//! Numbers from flags and the configuration, checked by one rule: a number must be finite and
//! inside its setting's range, or the flag or key is refused (`error: …`, exit 2) with the same
//! words wherever it comes from. (Some settings once took what others refused:
//! `--buffers-tolerance NaN` made the baseline gate unable to fail, `bloat_min_ratio = nan`
//! no bloat ever reportable.)

use serde::{Deserialize, Deserializer};

/// The values a numeric setting may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    min: f64,
    max: f64,
    /// Whether `max` itself is refused.
    below_max: bool,
    /// How the range reads in a message: "a share from 0 to 1".
    what: &'static str,
}

/// A share of a whole: `bloat_min_ratio`, `seq_scan_min_ratio`, …
pub const SHARE: Range = Range::to(0.0, 1.0, "a share from 0 to 1");
/// Growth allowed over a baseline: `buffers_tolerance`.
pub const PERCENT: Range = Range::to(0.0, f64::MAX, "a percentage of 0 or more");
/// A cut in estimated cost, which cannot reach 100 %: `--min-gain`.
pub const GAIN: Range = Range {
    below_max: true,
    ..Range::to(0.0, 100.0, "a percentage from 0 to below 100")
};
/// A duration in milliseconds: `--min-mean-ms`.
pub const MILLISECONDS: Range = Range::to(0.0, f64::MAX, "a number of milliseconds of 0 or more");
/// A count of scans, rows or entries: `unused_max_scans`, `seq_scan_min_rows`, …
#[allow(clippy::cast_precision_loss)] // i64::MAX as f64 rounds up, and check_integer uses i64.
pub const COUNT: Range = Range::to(0.0, i64::MAX as f64, "a count of 0 or more");
/// A migration version: `--target`, `baseline --up-to`.
#[allow(clippy::cast_precision_loss)]
pub const VERSION: Range = Range::to(0.0, i64::MAX as f64, "a version of 0 or more");
/// PostgreSQL's bounds of `max_parallel_workers_per_gather`.
pub const WORKERS: Range = Range::to(0.0, 1024.0, "a number of workers from 0 to 1024");

impl Range {
    const fn to(min: f64, max: f64, what: &'static str) -> Self {
        Self {
            min,
            max,
            below_max: false,
            what,
        }
    }

    fn contains(self, value: f64) -> bool {
        let below_max = if self.below_max {
            value < self.max
        } else {
            value <= self.max
        };
        value.is_finite() && value >= self.min && below_max
    }

    /// The value, when it is a finite number in the range; else the message every flag and key
    /// gives.
    pub fn check(self, value: f64) -> Result<f64, String> {
        if self.contains(value) {
            Ok(value)
        } else {
            Err(format!("{value} is not {}", self.what))
        }
    }

    /// An integer setting, by the same rule.
    pub fn check_integer(self, value: i64) -> Result<i64, String> {
        #[allow(clippy::cast_precision_loss)] // only compared with the bounds
        let as_float = value as f64;
        if self.contains(as_float) {
            Ok(value)
        } else {
            Err(format!("{value} is not {}", self.what))
        }
    }

    /// A flag's text, as a number in the range.
    pub fn parse(self, text: &str) -> Result<f64, String> {
        match text.trim().parse::<f64>() {
            Ok(value) if self.contains(value) => Ok(value),
            _ => Err(format!("{text:?} is not {}", self.what)),
        }
    }

    /// A flag's text, as an integer in the range.
    pub fn parse_integer(self, text: &str) -> Result<i64, String> {
        text.trim()
            .parse::<i64>()
            .map_err(|_| format!("{text:?} is not {}", self.what))
            .and_then(|value| self.check_integer(value))
            .map_err(|_| format!("{text:?} is not {}", self.what))
    }
}

fn within<'de, D: Deserializer<'de>>(deserializer: D, range: Range) -> Result<f64, D::Error> {
    let value = f64::deserialize(deserializer)?;
    range.check(value).map_err(serde::de::Error::custom)
}

fn within_integer<'de, D: Deserializer<'de>>(
    deserializer: D,
    range: Range,
) -> Result<i64, D::Error> {
    let value = i64::deserialize(deserializer)?;
    range.check_integer(value).map_err(serde::de::Error::custom)
}

/// A config key that is a [`SHARE`] (`#[serde(deserialize_with)]`).
pub fn share<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    within(deserializer, SHARE)
}

/// A config key that is a [`PERCENT`].
pub fn percent<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    within(deserializer, PERCENT)
}

/// A config key that is a [`COUNT`].
pub fn count<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    within_integer(deserializer, COUNT)
}

/// A config key that is a number of [`WORKERS`].
pub fn workers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let value = within_integer(deserializer, WORKERS)?;
    u32::try_from(value).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_infinities_and_values_out_of_range_are_refused_with_the_same_words() {
        for text in [
            "NaN", "nan", "inf", "-inf", "infinity", "-1", "1.5", "", "x",
        ] {
            let err = SHARE.parse(text).unwrap_err();
            assert_eq!(err, format!("{text:?} is not a share from 0 to 1"));
        }
        assert_eq!(SHARE.parse(" 0.25 "), Ok(0.25));
        assert_eq!(SHARE.check(1.0), Ok(1.0));
        assert_eq!(
            SHARE.check(f64::NAN).unwrap_err(),
            "NaN is not a share from 0 to 1"
        );
        assert_eq!(GAIN.parse("99.5"), Ok(99.5));
        assert!(GAIN.parse("100").is_err());
        assert!(PERCENT.parse("1e400").is_err());
        assert_eq!(PERCENT.parse("250"), Ok(250.0));
        assert_eq!(COUNT.check_integer(i64::MAX), Ok(i64::MAX));
        assert!(COUNT.check_integer(-1).is_err());
        assert!(VERSION.parse_integer("1.5").is_err());
        assert_eq!(WORKERS.check_integer(1024), Ok(1024));
        assert!(WORKERS.check_integer(1025).is_err());
    }
}
