//! A test that the files of `src/tui/` form no import circle: it reads each file's paths through
//! `super::` and `crate::tui::` (grouped `use` lists included), draws the graph between sibling
//! files and fails on a cycle, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Code without comments and without the inline `mod tests` (whose `super::` is the file itself).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// First identifiers of the paths that follow `prefix`: `super::a::X` gives `a`,
/// `super::{a::X, b}` gives `a` and `b`.
fn heads_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `super::super::x` or a longer path: not a sibling reference
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 || (depth == 1 && c == ',') {
                    out.push(ident(&item));
                    item.clear();
                    if depth == 0 {
                        break;
                    }
                } else if depth == 1 || !item.is_empty() {
                    item.push(c);
                }
            }
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|h| !h.is_empty() && h != "self");
    out
}

/// Edges between the modules of `dir` (file stem → modules it uses). `mod` is the folder's
/// `mod.rs`: a child's `super::Item` is an edge to it unless `Item` is a re-export of something
/// outside the folder (`pub use crate::…`).
fn graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rs") {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            files.insert(stem, std::fs::read_to_string(&p).unwrap());
        }
    }
    let root = code_of(files.get("mod").map_or("", String::as_str));
    let reexported = |name: &str| {
        root.lines().any(|l| {
            let l = l.trim();
            l.starts_with("pub use crate::")
                && l.trim_end_matches(';')
                    .rsplit(&[':', ' '][..])
                    .next()
                    .is_some_and(|last| last == name)
        })
    };
    let mut g = BTreeMap::new();
    for (stem, text) in &files {
        let code = code_of(text);
        let mut uses = BTreeSet::new();
        let mut heads = heads_after(&code, "crate::tui::");
        if stem == "mod" {
            // The root names its children directly: `use view::…`, `view::draw(…)`.
            for child in files.keys().filter(|c| *c != "mod") {
                if !heads_after(&code, &format!("{child}::")).is_empty() {
                    uses.insert(child.clone());
                }
            }
        } else {
            heads.extend(heads_after(&code, "super::"));
        }
        for h in heads {
            if files.contains_key(&h) && h != "mod" {
                uses.insert(h);
            } else if stem != "mod" && !reexported(&h) {
                uses.insert("mod".to_string());
            }
        }
        uses.remove(stem);
        g.insert(stem.clone(), uses);
    }
    g
}

/// A cycle in `g`, if there is one, as the list of modules around it.
fn find_cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == n) {
            let mut c = path[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        path.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(n, g, &mut done, &mut Vec::new()))
}

#[test]
fn tui_files_have_no_import_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let g = graph(&dir);
    if let Some(c) = find_cycle(&g) {
        panic!("import circle in src/tui: {}", c.join(" → "));
    }
    // The rooms keep their jobs: state logic never asks the drawing code or the key map.
    for (from, not) in [
        ("state", "view"),
        ("update", "view"),
        ("update", "keys"),
        ("geometry", "state"),
        ("sidebar", "state"),
        ("action", "state"),
    ] {
        assert!(!g[from].contains(not), "{from} uses {not}: {:?}", g[from]);
    }
}

#[test]
fn the_check_sees_circles_and_grouped_imports() {
    let dir = tempfile::tempdir().unwrap();
    let w = |f: &str, t: &str| std::fs::write(dir.path().join(f), t).unwrap();
    w(
        "mod.rs",
        "pub mod a;\npub mod b;\npub use crate::layout::Mode;\nuse a::X;\n",
    );
    w("a.rs", "use super::{b::{Y, Z}, Mode};\n");
    w(
        "b.rs",
        "// use super::a::X; (a comment)\nfn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n}\n",
    );
    let g = graph(dir.path());
    assert_eq!(g["a"], BTreeSet::from(["b".to_string()]));
    assert!(g["b"].is_empty(), "{:?}", g["b"]);
    assert!(find_cycle(&g).is_none());
    w("b.rs", "fn f() { crate::tui::a::g(); }\n");
    let c = find_cycle(&graph(dir.path())).expect("a → b → a");
    assert!(c.len() == 3 && c.contains(&"a".to_string()), "{c:?}");
    w("b.rs", "use super::initial_state;\n");
    assert!(find_cycle(&graph(dir.path())).is_some(), "b → mod → a → b");
}
