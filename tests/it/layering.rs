//! Imports run one way: no module of `src/` uses one that uses it back, directly or through
//! others; and clap stays at the edge (STYLE.md): no domain module imports `crate::cli`.
//!
//! Modules are compared with their siblings. A use of `crate::migrate::failure` from
//! `crate::check::runner` is an edge `check → migrate`; from `crate::migrate::history` it is an
//! edge `history → failure` inside `migrate`. A module's use of its own submodules, or of its
//! ancestors' items, is scoping, not layering, and is not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

type Module = Vec<String>;

/// Sibling edges `from → to`, each with one use that makes it, for the message.
type Edges = BTreeMap<(Module, Module), String>;

#[test]
fn no_module_of_src_imports_one_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let cycles = cycles(&edges(&src));
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

/// The check itself must see a cycle, or the test above proves nothing.
#[test]
fn a_cycle_through_a_third_module_and_between_siblings_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "mod a; mod b; mod c; mod m; use a::X;");
    write("a.rs", "use crate::b::Y; pub struct X;");
    write("b.rs", "pub fn y() -> crate::c::Z { todo!() }");
    write("c.rs", "use crate::{a::X as _};");
    write("m/mod.rs", "mod p; mod q; use self::p::P;");
    write("m/p.rs", "use super::q::Q; use super::Parent;");
    write(
        "m/q.rs",
        "fn f() { super::p::g(); } #[cfg(test)] mod tests { use super::super::p; }",
    );
    let cycles = cycles(&edges(dir.path()));
    assert_eq!(cycles.len(), 2, "{cycles:#?}");
    assert!(cycles[0].starts_with("a → b → c → a"), "{}", cycles[0]);
    assert!(cycles[1].starts_with("m::p → m::q → m::p"), "{}", cycles[1]);
}

/// Whether a module is at clap's edge, which alone may name `crate::cli`: lib.rs (and main.rs,
/// the same module), cli/ with its submodules, and manual.rs.
fn at_edge(module: &Module) -> bool {
    match module.first().map(String::as_str) {
        None | Some("cli") => true,
        Some("manual") => module.len() == 1,
        _ => false,
    }
}

#[test]
fn no_module_of_src_but_the_edge_uses_the_command_line_types() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let uses = cli_uses(&src);
    assert!(
        uses.is_empty(),
        "clap types outside the edge:\n{}",
        uses.join("\n")
    );
}

/// The check itself must see a planted use, or the test above proves nothing.
#[test]
fn a_use_of_crate_cli_in_a_domain_module_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("lib.rs", "mod cli; mod manual; mod a; mod b; use cli::Cli;");
    write(
        "cli/mod.rs",
        "mod fleet; pub struct Cli; pub use fleet::FleetArgs;",
    );
    write("cli/fleet.rs", "use super::Cli as _; pub struct FleetArgs;");
    write("manual.rs", "fn f(_: crate::cli::Cli) {}");
    write("a.rs", "use crate::{cli::FleetArgs as _, b::B};");
    write("b/mod.rs", "mod c; pub struct B;");
    write("b/c.rs", "fn f(_: &super::super::cli::Cli) {}");
    let uses = cli_uses(dir.path());
    assert_eq!(
        uses,
        [
            "src/a.rs uses crate::cli::FleetArgs",
            "src/b/c.rs uses super::super::cli::Cli"
        ]
    );
}

/// Each use of `crate::cli` outside the edge, as `src/<file> uses <path>`.
fn cli_uses(src: &Path) -> Vec<String> {
    let modules = modules(src);
    let known: BTreeSet<Module> = modules.keys().cloned().collect();
    let mut out = BTreeSet::new();
    for (module, file) in &modules {
        if at_edge(module) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut paths = Paths::new(module.clone());
        paths.visit_file(&syntax);
        for path in paths.found {
            let target = resolve(&known, module, &path);
            if target.is_some_and(|t| t.first().is_some_and(|m| m == "cli")) {
                out.insert(format!("src/{} uses {}", rel(src, file), path.1.join("::")));
            }
        }
    }
    out.into_iter().collect()
}

/// Every file of `src` and the module it is.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    let mut pending = vec![src.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.insert(module_of(src, &path), path);
            }
        }
    }
    out
}

fn module_of(src: &Path, file: &Path) -> Module {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Module = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The sibling edges of every use in `src`.
fn edges(src: &Path) -> Edges {
    let modules = modules(src);
    let known: BTreeSet<Module> = modules.keys().cloned().collect();
    let mut edges = Edges::new();
    for (module, file) in &modules {
        let text = std::fs::read_to_string(file).unwrap();
        let syntax = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let mut paths = Paths::new(module.clone());
        paths.visit_file(&syntax);
        for path in paths.found {
            let Some(target) = resolve(&known, module, &path) else {
                continue;
            };
            if let Some(edge) = sibling_edge(module, &target) {
                let shown = format!("src/{} uses {}", rel(src, file), path.1.join("::"));
                edges.entry(edge).or_insert(shown);
            }
        }
    }
    edges
}

fn rel(src: &Path, file: &Path) -> String {
    file.strip_prefix(src).unwrap().display().to_string()
}

/// The module a path names: the longest known module it starts with, after `crate`,
/// `super` and `self` are resolved from `base` (the module and any inline modules around the
/// use). None for other crates' paths.
fn resolve(
    known: &BTreeSet<Module>,
    file_module: &Module,
    path: &(Module, Vec<String>),
) -> Option<Module> {
    let (base, segments) = path;
    let mut absolute: Module = match segments.first().map(String::as_str) {
        Some("crate") => Vec::new(),
        Some("super" | "self") => base.clone(),
        // A bare first segment is a child module of the file's module, or another crate.
        Some(first) if known.contains(&[file_module.clone(), vec![first.to_owned()]].concat()) => {
            file_module.clone()
        }
        _ => return None,
    };
    let mut rest = segments
        .iter()
        .skip_while(|s| matches!(s.as_str(), "crate" | "self"));
    for segment in rest.by_ref() {
        if segment == "super" {
            absolute.pop()?;
        } else {
            absolute.push(segment.clone());
        }
    }
    while !known.contains(&absolute) {
        absolute.pop()?;
    }
    Some(absolute)
}

/// `from → to` as an edge between the two siblings under their common parent, or None when one
/// contains the other.
fn sibling_edge(from: &Module, to: &Module) -> Option<(Module, Module)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].to_vec(), to[..=common].to_vec()))
}

/// Each cycle, as `a → b → a (src/a.rs uses …; src/b.rs uses …)`, sorted.
fn cycles(edges: &Edges) -> Vec<String> {
    let mut graph: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        graph.entry(from).or_default().push(to);
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, start) {
            let mut key = cycle.clone();
            key.sort();
            if seen.insert(key) {
                out.push(describe(&cycle, edges));
            }
        }
    }
    out.sort();
    out
}

/// The shortest cycle back to `start`, by breadth-first search.
fn cycle_from<'a>(
    graph: &BTreeMap<&'a Module, Vec<&'a Module>>,
    start: &'a Module,
) -> Option<Vec<&'a Module>> {
    let mut queue = std::collections::VecDeque::from([vec![start]]);
    let mut visited = BTreeSet::new();
    while let Some(path) = queue.pop_front() {
        for next in graph.get(path.last()?).into_iter().flatten() {
            if *next == start {
                return Some(path);
            }
            if visited.insert(*next) {
                queue.push_back([path.clone(), vec![*next]].concat());
            }
        }
    }
    None
}

fn describe(cycle: &[&Module], edges: &Edges) -> String {
    // Start at the smallest module, so each cycle reads the same way every run.
    let first = (0..cycle.len()).min_by_key(|&i| cycle[i]).unwrap_or(0);
    let ordered: Vec<&Module> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .copied()
        .collect();
    let mut names: Vec<String> = ordered.iter().map(|m| m.join("::")).collect();
    names.push(names[0].clone());
    let why: Vec<&str> = ordered
        .iter()
        .zip(ordered.iter().cycle().skip(1))
        .map(|(a, b)| edges[&((*a).clone(), (*b).clone())].as_str())
        .collect();
    format!("{} ({})", names.join(" → "), why.join("; "))
}

/// Every path a file uses: `use` trees and paths in code, each with the module it is written
/// in (inline modules such as `mod tests` included, for `super`).
struct Paths {
    base: Module,
    found: Vec<(Module, Vec<String>)>,
}

impl Paths {
    fn new(base: Module) -> Self {
        Self {
            base,
            found: Vec::new(),
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                self.push([prefix.clone(), vec![name.ident.to_string()]].concat());
            }
            syn::UseTree::Rename(rename) => {
                self.push([prefix.clone(), vec![rename.ident.to_string()]].concat());
            }
            syn::UseTree::Glob(_) => self.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree);
                }
            }
        }
    }

    fn push(&mut self, segments: Vec<String>) {
        self.found.push((self.base.clone(), segments));
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &item.tree);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        self.push(path.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, path);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.base.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.base.pop();
    }
}
