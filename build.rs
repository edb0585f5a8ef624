//! Build-time inputs: the embedded migrations and the embedded check catalog.
//!
//! refinery's `embed_migrations!` reads `migrations/` at compile time, and cargo only tracks the
//! files it already includes, so the directory is watched. The check catalog (`sql/checks/*.sql`)
//! is embedded through a generated list of `include_str!`, so adding a check needs no code.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=sql/checks");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sql/checks");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("sql/checks exists")
        .map(|entry| entry.expect("sql/checks is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "sql"))
        .collect();
    files.sort();
    let mut code = String::from("&[\n");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display()).unwrap();
    }
    code.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("checks.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
