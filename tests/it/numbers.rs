//! Every numeric flag and config key refuses NaN, infinities and values out of its range the
//! same way: one `error:` line naming it, exit 2. The flags are found by walking clap's command
//! tree, the keys by walking the configuration's serde structs: a new one is tested unasked.

use std::any::TypeId;
use std::cell::RefCell;

use clap::CommandFactory as _;
use lma::cli::Cli;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize as _;

use crate::support::lma_binary;

/// One numeric flag: the subcommand path, the flag (`--name`, or `<NAME>` for a positional).
#[derive(Debug)]
struct Flag {
    command: Vec<String>,
    long: Option<String>,
    name: String,
    value_name: String,
    float: bool,
}

fn numeric_flags() -> Vec<Flag> {
    fn walk(command: &clap::Command, path: &mut Vec<String>, found: &mut Vec<Flag>) {
        let floats = [TypeId::of::<f64>(), TypeId::of::<f32>()];
        let integers = [
            TypeId::of::<i64>(),
            TypeId::of::<u64>(),
            TypeId::of::<u32>(),
            TypeId::of::<i32>(),
            TypeId::of::<u16>(),
            TypeId::of::<usize>(),
        ];
        for arg in command.get_arguments() {
            let id = arg.get_value_parser().type_id();
            let float = floats.iter().any(|&t| id == t);
            if arg.get_action().takes_values() && (float || integers.iter().any(|&t| id == t)) {
                let value_name = arg.get_value_names().and_then(|names| names.first());
                found.push(Flag {
                    command: path.clone(),
                    long: arg.get_long().map(str::to_owned),
                    name: arg.get_id().to_string(),
                    value_name: value_name.map(ToString::to_string).unwrap_or_default(),
                    float,
                });
            }
        }
        for sub in command.get_subcommands() {
            path.push(sub.get_name().to_owned());
            walk(sub, path, found);
            path.pop();
        }
    }
    let mut found = Vec::new();
    walk(&Cli::command(), &mut Vec::new(), &mut found);
    found
}

/// Runs lma and expects exit 2 with exactly one `error:` line, which it returns.
fn one_error(args: &[String]) -> String {
    let output = lma_binary().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{args:?}: {stderr}");
    errors[0].to_owned()
}

#[test]
fn every_numeric_flag_refuses_nan_infinities_and_values_out_of_range() {
    let flags = numeric_flags();
    // The walk finds the flags this test was written for, and the ones added since.
    for expected in [
        "buffers_tolerance",
        "min_mean_ms",
        "min_gain",
        "target",
        "up_to",
    ] {
        assert!(flags.iter().any(|f| f.name == expected), "{flags:?}");
    }
    for flag in &flags {
        let values: &[&str] = if flag.float {
            &["NaN", "nan", "inf", "-inf", "-1", "1e999"]
        } else {
            &["NaN", "inf", "-1", "1.5", "1e999"]
        };
        for value in values {
            let mut args = flag.command.clone();
            let named = if let Some(long) = &flag.long {
                args.push(format!("--{long}={value}"));
                format!("--{long}")
            } else {
                args.extend(["--".to_owned(), (*value).to_owned()]);
                format!("<{}>", flag.value_name)
            };
            let error = one_error(&args);
            assert!(error.contains(&named), "{args:?}: {error}");
        }
    }
}

/// What the configuration's structs ask serde for: a Deserializer that gives every struct all
/// its fields, records each number's key, and gives empty lists and maps.
struct Walker<'a> {
    key: String,
    found: &'a RefCell<Vec<(String, bool)>>,
}

impl Walker<'_> {
    fn number(&self, float: bool) {
        self.found.borrow_mut().push((self.key.clone(), float));
    }
}

macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.number(false);
            visitor.visit_u64(1)
        }
    )*};
}

impl<'de> Deserializer<'de> for Walker<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom(format!("{}: untyped", self.key)))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Fields {
            walker: self,
            names: fields,
            next: 0,
        })
    }
    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.number(true);
        visitor.visit_f64(0.5)
    }
    integers!(deserialize_i64 deserialize_u64 deserialize_u32 deserialize_i32 deserialize_u16);
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_bool(false)
    }
    // "0" reads as a duration, a size and a string.
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str("0")
    }
    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_str("0")
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(de::value::SeqDeserializer::<
            std::iter::Empty<()>,
            Self::Error,
        >::new(std::iter::empty()))
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(de::value::MapDeserializer::<
            std::iter::Empty<((), ())>,
            Self::Error,
        >::new(std::iter::empty()))
    }
    serde::forward_to_deserialize_any! {
        i8 i16 i128 u8 u128 f32 char bytes byte_buf unit unit_struct newtype_struct tuple
        tuple_struct enum identifier ignored_any
    }
}

struct Fields<'a> {
    walker: Walker<'a>,
    names: &'static [&'static str],
    next: usize,
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = de::value::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(field) = self.names.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(de::value::BorrowedStrDeserializer::new(field))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let field = self.names[self.next];
        self.next += 1;
        let key = if self.walker.key.is_empty() {
            field.to_owned()
        } else {
            format!("{}.{field}", self.walker.key)
        };
        seed.deserialize(Walker {
            key,
            found: self.walker.found,
        })
    }
}

/// Every numeric key of the configuration, `section.key`, and whether it is a float.
fn numeric_keys() -> Vec<(String, bool)> {
    let found = RefCell::new(Vec::new());
    lma::config::FileConfig::deserialize(Walker {
        key: String::new(),
        found: &found,
    })
    .unwrap();
    found.into_inner()
}

#[test]
fn every_numeric_config_key_refuses_nan_infinities_and_values_out_of_range() {
    let keys = numeric_keys();
    for expected in [
        "check.buffers_tolerance",
        "indexes.bloat_min_ratio",
        "indexes.unused_max_scans",
    ] {
        assert!(keys.iter().any(|(k, _)| k == expected), "{keys:?}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lma.toml");
    for (key, float) in &keys {
        let (section, name) = key.split_once('.').unwrap();
        let values: &[&str] = if *float {
            &["nan", "inf", "-inf", "-1.0"]
        } else {
            &["-1", "nan", "1.5"]
        };
        for value in values {
            std::fs::write(&path, format!("[{section}]\n{name} = {value}\n")).unwrap();
            let args = [
                "--config".to_owned(),
                path.display().to_string(),
                "status".to_owned(),
            ];
            let error = one_error(&args);
            assert!(
                error.contains("invalid config file") && error.contains("line 2"),
                "{key} = {value}: {error}"
            );
        }
    }
}
