//! Reports on stdout: one `emit` that renders a report as a table for people or as JSON for programs.
//!
//! This is the only module that knows comfy-table. Reports describe themselves as blocks of
//! tables and lines; the JSON comes from the same report struct through serde, so its shape is
//! the struct's shape and a test pins it. Every heading, line and cell of the table output, and
//! every line lma writes on stderr, passes [`terminal_safe`]; JSON keeps the exact text.

use std::io::Write;

use anyhow::Context as _;
use clap::ValueEnum;
use comfy_table::{presets, CellAlignment, Color, ContentArrangement};
use serde::Serialize;

/// The `--color` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Text made safe for a terminal. Names, query texts and server messages may hold any
/// character: an ESC, a C1 CSI or a BEL would reach the terminal as a command, a carriage
/// return or a bidi override would rewrite what is shown. Control characters (C0 with newline
/// and tab, DEL, C1) and the bidi controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069) are written as Rust escapes, `\u{1b}`. The result holds none of them, so a second
/// pass changes nothing.
#[must_use]
pub fn terminal_safe(text: &str) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_unsafe(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// [`terminal_safe`] line by line: the line breaks a report made itself stay, every other
/// control character is escaped. (A line break inside a name is escaped where the report puts
/// the name together, with [`terminal_safe`].)
#[must_use]
pub fn terminal_safe_lines(text: &str) -> String {
    text.split('\n')
        .map(terminal_safe)
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The terminal's width in columns when stdout is a terminal (comfy-table asks it).
#[must_use]
pub fn terminal_width() -> Option<u16> {
    comfy_table::Table::new().width()
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Tables and lines for people.
    Table,
    /// One JSON document for programs.
    Json,
    /// JUnit XML, for CI test reports (lint, verify).
    Junit,
    /// GitHub Actions annotations, `::error file=…,line=…::…` (lint).
    Github,
}

impl Format {
    /// Whether every report can be printed this way (table and JSON); JUnit and GitHub
    /// annotations are only for reports that implement them.
    #[must_use]
    pub fn is_universal(self) -> bool {
        matches!(self, Self::Table | Self::Json)
    }
}

/// A report: serializable for JSON, describable for people.
pub trait Report: Serialize {
    /// The human rendering, block by block.
    fn human(&self) -> Vec<Block>;

    /// The JUnit XML rendering, for reports that have one.
    fn junit(&self) -> Option<String> {
        None
    }

    /// GitHub Actions workflow commands, for reports that have them.
    fn github(&self) -> Option<String> {
        None
    }
}

/// One piece of a human-readable report.
#[derive(Debug)]
pub enum Block {
    /// A heading line, printed with a blank line before it when it is not first.
    Heading(String),
    /// A table.
    Table(Table),
    /// A plain line.
    Line(String),
}

/// How a cell reads: colour is only ever a hint, the text says it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Good,
    Warn,
    Bad,
}

/// A table of cells, with a header.
#[derive(Debug)]
pub struct Table {
    header: Vec<String>,
    right: Vec<usize>,
    rows: Vec<Vec<(String, Tone)>>,
}

impl Table {
    /// A table with these column names.
    #[must_use]
    pub fn new(header: &[&str]) -> Self {
        let header = header.iter().map(|&h| h.to_owned()).collect();
        Self {
            header,
            right: Vec::new(),
            rows: Vec::new(),
        }
    }

    /// Right-aligns these columns (numbers).
    #[must_use]
    pub fn right_aligned(mut self, columns: &[usize]) -> Self {
        self.right = columns.to_vec();
        self
    }

    /// Adds a row of plain cells.
    pub fn row<I: IntoIterator<Item = String>>(&mut self, cells: I) {
        self.rows
            .push(cells.into_iter().map(|c| (c, Tone::Plain)).collect());
    }

    /// Adds a row whose cells each carry a tone.
    pub fn toned_row(&mut self, cells: Vec<(String, Tone)>) {
        self.rows.push(cells);
    }

    fn render(&self, color: bool) -> String {
        let mut table = comfy_table::Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(self.header.iter().map(|text| terminal_safe_lines(text)));
        if color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        for row in &self.rows {
            table.add_row(row.iter().map(|(text, tone)| cell(text, *tone, color)));
        }
        for &index in &self.right {
            if let Some(column) = table.column_mut(index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        table.to_string()
    }
}

fn cell(text: &str, tone: Tone, color: bool) -> comfy_table::Cell {
    let cell = comfy_table::Cell::new(terminal_safe_lines(text));
    match (color, tone) {
        (false, _) | (true, Tone::Plain) => cell,
        (true, Tone::Good) => cell.fg(Color::Green),
        (true, Tone::Warn) => cell.fg(Color::Yellow),
        (true, Tone::Bad) => cell.fg(Color::Red),
    }
}

/// Writes the report in the chosen format.
pub fn emit<R: Report>(
    report: &R,
    format: Format,
    color: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report).context("cannot write the report")?;
            writeln!(out)?;
        }
        Format::Junit | Format::Github => {
            let text = if format == Format::Junit {
                report.junit()
            } else {
                report.github()
            };
            let text = text.context("this command's report has no such format")?;
            out.write_all(text.as_bytes())
                .context("cannot write the report")?;
        }
        Format::Table => {
            for (index, block) in report.human().into_iter().enumerate() {
                match block {
                    Block::Heading(text) if index > 0 => {
                        writeln!(out, "\n{}", terminal_safe_lines(&text))?;
                    }
                    Block::Heading(text) | Block::Line(text) => {
                        writeln!(out, "{}", terminal_safe_lines(&text))?;
                    }
                    Block::Table(table) => writeln!(out, "{}", table.render(color))?,
                }
            }
        }
    }
    out.flush().context("cannot write the report")
}

/// A report as `--format table --color never` prints it, for the reports' snapshot tests.
#[cfg(test)]
pub(crate) fn plain_text<R: Report>(report: &R) -> String {
    let mut out = Vec::new();
    emit(report, Format::Table, false, &mut out).expect("a Vec takes every write");
    String::from_utf8(out).expect("tables are UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Sample {
        value: u32,
    }

    impl Report for Sample {
        fn human(&self) -> Vec<Block> {
            let mut table = Table::new(&["Name", "Value"]).right_aligned(&[1]);
            table.row(["answer".to_owned(), self.value.to_string()]);
            vec![
                Block::Heading("Sample".into()),
                Block::Table(table),
                Block::Line("done".into()),
            ]
        }
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        emit(&Sample { value: 42 }, format, false, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_text_is_the_table_format_without_colour() {
        assert_eq!(plain_text(&Sample { value: 42 }), render(Format::Table));
    }

    #[test]
    fn json_is_the_serialized_report() {
        let value: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap();
        assert_eq!(value, serde_json::json!({"value": 42}));
    }

    #[test]
    fn control_and_bidi_characters_are_escaped_and_escaping_twice_changes_nothing() {
        let hostile = "red\u{1b}[31m\u{7}\r\t\u{9b}x\u{202e}cba\u{2066}";
        let safe = terminal_safe(hostile);
        assert_eq!(
            safe,
            "red\\u{1b}[31m\\u{7}\\u{d}\\u{9}\\u{9b}x\\u{202e}cba\\u{2066}"
        );
        assert_eq!(terminal_safe(&safe), safe);
        assert_eq!(terminal_safe("évènement 名前"), "évènement 名前");
        assert_eq!(terminal_safe("a\nb"), "a\\u{a}b");
        assert_eq!(terminal_safe_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }

    #[derive(Serialize)]
    struct Hostile {
        name: String,
    }

    impl Report for Hostile {
        fn human(&self) -> Vec<Block> {
            let mut table = Table::new(&[&self.name]);
            table.row([self.name.clone()]);
            vec![
                Block::Heading(self.name.clone()),
                Block::Table(table),
                Block::Line(self.name.clone()),
            ]
        }
    }

    #[test]
    fn every_block_of_the_table_output_is_escaped_and_json_keeps_the_text() {
        let report = Hostile {
            name: "t\u{1b}]0;owned\u{7}\u{202e}".into(),
        };
        for color in [false, true] {
            let mut out = Vec::new();
            emit(&report, Format::Table, color, &mut out).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                !text.contains('\u{7}') && !text.contains('\u{202e}'),
                "{text}"
            );
            assert_eq!(text.matches("\\u{1b}]0;owned\\u{7}").count(), 4, "{text}");
        }
        let mut out = Vec::new();
        emit(&report, Format::Json, false, &mut out).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["name"], report.name.as_str());
    }

    #[test]
    fn tables_render_without_escape_codes_when_colour_is_off() {
        let text = render(Format::Table);
        assert!(text.starts_with("Sample\n"), "{text}");
        assert!(text.contains("answer") && text.contains("42"), "{text}");
        assert!(text.ends_with("done\n"), "{text}");
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
