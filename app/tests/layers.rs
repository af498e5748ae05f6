//! The floors of `app/src` and the arrows allowed between them (docs/architecture.md):
//! domain → store → service → transports (api) → pages and components. A floor may use
//! the floors below it, never one above; pages and components reach data only through
//! the server functions of `api`. These tests read the source and fail on any path that
//! points the wrong way, however it is spelled (`crate::service::X`, `crate::{service,
//! …}`, `super::super::service`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The crate's top-level modules, lowest floor first; `app` is the router and shell.
const FLOORS: [&str; 7] = [
    "domain",
    "store",
    "service",
    "api",
    "components",
    "pages",
    "app",
];

struct Source {
    /// The module path of the file: `store/users.rs` → `["store", "users"]`.
    module: Vec<String>,
    path: PathBuf,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(&root).expect("under src");
                let mut module: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).expect("read source");
                out.push(Source { module, path, text });
            }
        }
    }
    assert!(out.len() > 50, "found the sources ({} files)", out.len());
    out
}

/// Code without comments (line comments and doc comments), so prose may name any floor.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules a source refers to, by `crate::` and `super::` paths.
fn referred_floors(src: &Source) -> BTreeSet<String> {
    let text = code(&src.text);
    let mut found = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let close = group.find('}').unwrap_or(group.len());
            for item in group[..close].split(',') {
                found.insert(ident(item.trim()).to_string());
            }
        } else {
            found.insert(ident(after).to_string());
        }
        rest = after;
    }
    // `super::` resolved from the file's own module.
    for (i, _) in text.match_indices("super::") {
        if i > 0 && text[..i].ends_with("super::") {
            continue; // counted from the first `super::` of the chain
        }
        let mut depth = 0;
        let mut after = &text[i..];
        while let Some(next) = after.strip_prefix("super::") {
            depth += 1;
            after = next;
        }
        // A `mod.rs` is its module: `super` is its parent.
        let base = src.module.len().saturating_sub(depth);
        if base == 0 {
            found.insert(ident(after).to_string());
        } else {
            found.insert(src.module[0].clone());
        }
    }
    found.retain(|f| FLOORS.contains(&f.as_str()));
    found
}

fn floor_of(src: &Source) -> Option<usize> {
    let top = src.module.first()?;
    FLOORS.iter().position(|f| f == top)
}

#[test]
fn no_floor_refers_to_one_above_it() {
    let mut wrong = Vec::new();
    for src in sources() {
        let Some(own) = floor_of(&src) else { continue };
        // Pages and components are one floor: both sit on the server functions.
        let one = |i: usize| if i == 5 { 4 } else { i };
        let own = one(own);
        for floor in referred_floors(&src) {
            let theirs = one(FLOORS.iter().position(|f| *f == floor).unwrap_or(0));
            if theirs > own {
                wrong.push(format!("{} refers to {floor}", src.path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "upward references:\n{}", wrong.join("\n"));
}

#[test]
fn pages_and_components_reach_data_only_through_server_functions() {
    let mut wrong = Vec::new();
    for src in sources() {
        if !matches!(floor_of(&src), Some(4 | 5)) {
            continue;
        }
        for floor in referred_floors(&src) {
            if floor == "store" || floor == "service" {
                wrong.push(format!("{} refers to {floor}", src.path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn only_the_service_makes_permits_and_only_the_store_holds_sql() {
    let mut wrong = Vec::new();
    for src in sources() {
        let top = src.module.first().map(String::as_str);
        let text = code(&src.text);
        if text.contains("Permit::for_") && !matches!(top, Some("service" | "store")) {
            wrong.push(format!("{} makes a permit", src.path.display()));
        }
        // The store's own constructors and its unit tests (a `#[cfg(test)]` section, or a
        // file of tests: `#![cfg(test)]`) are the exception inside it.
        if top == Some("store") && text.contains("Permit::for_") {
            let outside_tests = if text.trim_start().starts_with("#![cfg(test)]") {
                ""
            } else {
                text.split("#[cfg(test)]").next().unwrap_or("")
            };
            if outside_tests.contains("Permit::for_") && src.module != ["store", "permit"] {
                wrong.push(format!("{} makes a permit", src.path.display()));
            }
        }
        if text.contains("sqlx::") && top != Some("store") {
            wrong.push(format!("{} uses SQL outside the store", src.path.display()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_checks_see_every_spelling_of_an_upward_path() {
    let src = |module: &[&str], text: &str| Source {
        module: module.iter().map(|s| s.to_string()).collect(),
        path: PathBuf::from("example.rs"),
        text: text.into(),
    };
    let floors = |s: &Source| referred_floors(s).into_iter().collect::<Vec<_>>();
    assert_eq!(
        floors(&src(&["store", "users"], "use crate::service::Permit;")),
        ["service"]
    );
    assert_eq!(
        floors(&src(
            &["store", "users"],
            "use crate::{domain::X, service};"
        )),
        ["domain", "service"]
    );
    assert_eq!(
        floors(&src(
            &["store", "users"],
            "use super::super::service::Permit;"
        )),
        ["service"]
    );
    assert_eq!(
        floors(&src(&["store"], "use super::service::Permit;")),
        ["service"]
    );
    assert_eq!(
        floors(&src(&["store", "users"], "use super::{Tx, StoreResult};")),
        ["store"]
    );
    assert!(floors(&src(&["store"], "// crate::service in prose")).is_empty());
}
