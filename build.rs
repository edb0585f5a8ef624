//! Rebuild when a migration is added or removed: refinery's `embed_migrations!` reads the
//! directory at compile time, and cargo only tracks the files it already includes.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
