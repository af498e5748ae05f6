//! The stylesheet and the pages agree: every class a page or component uses has a rule
//! in `style/main.css`, and every data table is the one `.table`.

use std::collections::BTreeSet;
use std::path::Path;

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

/// The class names of `class="…"` and `class=format!("…")` (their fixed words).
fn classes_in(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for opener in ["class=\"", "class=format!(\""] {
        for (i, _) in text.match_indices(opener) {
            let rest = &text[i + opener.len()..];
            let value = &rest[..rest.find('"').unwrap_or(0)];
            for class in value.split_whitespace().filter(|c| !c.contains('{')) {
                found.insert(class.to_string());
            }
        }
    }
    found
}

fn stylesheet() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../style/main.css");
    std::fs::read_to_string(path).expect("style/main.css")
}

/// Does the stylesheet have a selector naming `.class` (not just a longer name)?
fn has_rule(css: &str, class: &str) -> bool {
    let dotted = format!(".{class}");
    css.match_indices(&dotted).any(|(i, _)| {
        let next = css[i + dotted.len()..].chars().next().unwrap_or(' ');
        !(next.is_alphanumeric() || next == '-' || next == '_')
    })
}

#[test]
fn every_class_the_pages_use_has_a_rule() {
    let css = stylesheet();
    let mut missing = Vec::new();
    for (path, text) in sources() {
        for class in classes_in(&text) {
            if !has_rule(&css, &class) {
                missing.push(format!("{class} ({path})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "classes without a rule:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_data_table_is_the_one_table_class() {
    let mut wrong = Vec::new();
    for (path, text) in sources() {
        for (i, _) in text.match_indices("<table") {
            let tag = &text[i..i + text[i..].find('>').unwrap_or(0)];
            if !tag.contains("class=\"table\"") && !tag.contains("class=\"table ") {
                wrong.push(format!("{path}: {tag}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "tables without the table class:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_checks_find_what_they_look_for() {
    assert_eq!(
        classes_in(r#"<p class="state state-empty"> <span class=format!("status status-{}", s)>"#),
        ["state", "state-empty", "status"].map(String::from).into()
    );
    assert!(has_rule(".table-wrap { }", "table-wrap"));
    assert!(!has_rule(".table-wrap { }", "table"));
}
