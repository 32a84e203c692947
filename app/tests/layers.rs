//! The app's modules depend on each other one way only (see the header of `src/lib.rs`). This
//! reads every file under `src`, finds each `crate::…` and `super::…` path in its code, and fails
//! on a reference to a higher layer, or to a module listed before it in the same layer, or on a
//! cycle between the crate's modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Highest first. A module may use the modules of lower layers, and those listed after it in its
/// own layer: `auth` may use `i18n` and `state`, never the reverse. `lib.rs` only wires them up.
const LAYERS: &[&[&str]] = &[
    &["shell"],
    &["pages"],
    &["sync", "session"],
    &["auth", "i18n", "state"],
    &["offline"],
    &["api"],
];

/// Where `module` stands: its layer (0 the highest) and its place in that layer.
fn rank(module: &str) -> Option<(usize, usize)> {
    LAYERS.iter().enumerate().find_map(|(layer, modules)| {
        let place = modules.iter().position(|m| *m == module)?;
        Some((layer, place))
    })
}

fn may_use(from: &str, to: &str) -> bool {
    match (rank(from), rank(to)) {
        (Some(from), Some(to)) => from.0 < to.0 || (from.0 == to.0 && from.1 < to.1),
        _ => false,
    }
}

/// The code of a file with comments removed and string and character literals blanked, so that
/// only real paths are read.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r'
            && (next == Some('#') || next == Some('"'))
            && !ident_char(prev(&chars, i))
        {
            // A raw string: r"…", r#"…"#.
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let end: String = std::iter::once('"')
                .chain("#".repeat(hashes).chars())
                .collect();
            let end: Vec<char> = end.chars().collect();
            while j < chars.len() && chars[j..].iter().take(end.len()).ne(end.iter()) {
                j += 1;
            }
            i = j + end.len();
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('\\') {
            // An escaped character: '\n', '\'', '\u{1F600}'.
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn prev(chars: &[char], i: usize) -> char {
    if i == 0 {
        ' '
    } else {
        chars[i - 1]
    }
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_at(code: &str) -> String {
    code.chars().take_while(|&c| ident_char(c)).collect()
}

/// The first names of the paths in `{a, b::c, d::{e}}`, given the text right after `{`.
fn group_heads(code: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut start = true;
    for (i, c) in code.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && ident_char(c) => {
                heads.push(ident_at(&code[i..]));
                start = false;
            }
            c if c.is_whitespace() => {}
            _ => start = false,
        }
    }
    heads
}

/// The crate's top modules that the code of the module at `module` (its path from the crate
/// root, `["pages", "records", "list"]`) refers to, through `crate::` and `super::`.
fn references(module: &[String], code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    // Inline modules (`mod tests { … }`) deepen the path that `super` goes up from.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let boundary = i == 0 || !ident_char(bytes[i - 1] as char);
        if rest.starts_with('{') {
            depth += 1;
        } else if rest.starts_with('}') {
            depth -= 1;
            if inline.last().is_some_and(|&(_, at)| at == depth) {
                inline.pop();
            }
        } else if boundary && rest.starts_with("mod ") {
            let name = ident_at(rest[4..].trim_start());
            let after = rest[4..].trim_start()[name.len()..].trim_start();
            if after.starts_with('{') {
                inline.push((name, depth));
            }
        } else if boundary && (rest.starts_with("crate::") || rest.starts_with("super::")) {
            let mut path: Vec<String> = module
                .iter()
                .cloned()
                .chain(inline.iter().map(|(name, _)| name.clone()))
                .collect();
            let mut tail = rest;
            if tail.starts_with("crate::") {
                path.clear();
                tail = &tail["crate::".len()..];
            } else {
                while let Some(after) = tail.strip_prefix("super::") {
                    path.pop();
                    tail = after;
                }
            }
            let heads = match path.first() {
                Some(top) => vec![top.clone()],
                None if tail.starts_with('{') => group_heads(&tail[1..]),
                None => vec![ident_at(tail)],
            };
            found.extend(heads.into_iter().filter(|head| !head.is_empty()));
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// Every file under `src` with its module path: `pages/records/list.rs` is
/// `["pages", "records", "list"]`, `offline/mod.rs` is `["offline"]`.
fn modules(dir: &Path, path: &[String], out: &mut Vec<(String, Vec<String>, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().collect();
    entries.sort_by_key(|entry| entry.path());
    for entry in entries {
        let file = entry.path();
        let name = file.file_stem().unwrap().to_string_lossy().to_string();
        let mut module = path.to_vec();
        if file.is_dir() {
            module.push(name);
            modules(&file, &module, out);
            continue;
        }
        if file.extension().is_none_or(|ext| ext != "rs") {
            continue;
        }
        if name != "mod" && name != "lib" {
            module.push(name);
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let shown = file.to_string_lossy().to_string();
        let shown = shown
            .rsplit_once("/src/")
            .map_or(shown.clone(), |(_, rest)| rest.to_string());
        out.push((shown, module, text));
    }
}

/// Each top module and the top modules it uses, with the files that do.
type Graph = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    modules(&src, &[], &mut files);
    let mut graph = Graph::new();
    for (file, module, text) in files {
        // The crate root declares and re-exports the modules: it is above them all.
        let Some(top) = module.first() else {
            continue;
        };
        for used in references(&module, &code_only(&text)) {
            if &used != top {
                graph
                    .entry(top.clone())
                    .or_default()
                    .entry(used)
                    .or_default()
                    .insert(file.clone());
            }
        }
    }
    graph
}

/// A cycle through `graph`, if there is one, as the modules along it.
fn cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut found = stack[at..].to_vec();
            found.push(node.to_string());
            return Some(found);
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flat_map(BTreeMap::keys) {
            if let Some(found) = visit(next, graph, done, stack) {
                return Some(found);
            }
        }
        stack.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

#[test]
fn every_module_has_a_layer() {
    let graph = graph();
    let unplaced: Vec<&String> = graph
        .iter()
        .flat_map(|(from, uses)| std::iter::once(from).chain(uses.keys()))
        .filter(|module| rank(module).is_none())
        .collect();
    assert!(unplaced.is_empty(), "modules without a layer: {unplaced:?}");
}

#[test]
fn modules_use_only_lower_layers() {
    let mut wrong = Vec::new();
    for (from, uses) in graph() {
        for (to, files) in uses {
            if !may_use(&from, &to) {
                wrong.push(format!("{from} uses {to}, in {files:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_cycle_between_modules() {
    assert_eq!(cycle(&graph()), None);
}

#[test]
fn the_reader_finds_what_it_must() {
    let module = |path: &str| path.split('/').map(String::from).collect::<Vec<_>>();
    let code = code_only(
        "use crate::{api::Officer, auth};\n// crate::shell\nlet s = \"crate::pages\";\n\
         use super::super::state;\nmod tests { use super::*; }\nfn f() { crate::sync::go() }",
    );
    let found = references(&module("offline/outbox"), &code);
    assert_eq!(
        found,
        ["api", "auth", "offline", "state", "sync"]
            .map(String::from)
            .into()
    );
    // `super` of a top module is the crate root, and the inline module's `super` is the file.
    let found = references(
        &module("shell"),
        &code_only("use super::pages;\nmod tests { use super::*; }"),
    );
    assert_eq!(found, ["pages", "shell"].map(String::from).into());
    let mut graph = Graph::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a")] {
        graph
            .entry(from.into())
            .or_default()
            .entry(to.into())
            .or_default();
    }
    assert_eq!(
        cycle(&graph),
        Some(["a", "b", "c", "a"].map(String::from).to_vec())
    );
    assert!(may_use("auth", "i18n") && !may_use("i18n", "auth"));
    assert!(!may_use("offline", "auth") && !may_use("pages", "shell"));
}
