//! Every file of the repository that points at documentation points at a page that exists
//! here — and at a heading that exists on it — never at a file outside the repository.

use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The repository's text files worth reading (sources, docs, tests, scripts, migrations).
fn files() -> Vec<PathBuf> {
    let root = repository();
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !name.starts_with('.') && !["target", "node_modules", "data"].contains(&name) {
                    stack.push(path);
                }
            } else if [
                ".rs", ".md", ".sql", ".ts", ".sh", ".py", ".js", ".css", ".toml",
            ]
            .iter()
            .any(|e| name.ends_with(e))
                || name == "Makefile"
            {
                out.push(path);
            }
        }
    }
    assert!(out.len() > 100, "found the repository's files");
    out
}

/// The anchor a heading gets: lowercase, punctuation dropped, spaces as hyphens.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors_of(page: &Path) -> Vec<String> {
    std::fs::read_to_string(page)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.strip_prefix('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

/// `docs/…md` and `docs/…md#anchor` as written in `text`.
fn citations(text: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("docs/") {
        if i > 0 && text[..i].ends_with(|c: char| c.is_alphanumeric() || c == '/' || c == '.') {
            continue;
        }
        let rest = &text[i..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || "/._-#".contains(c)))
            .unwrap_or(rest.len());
        let cited = rest[..end].trim_end_matches(['.', ',']);
        if let Some((page, tail)) = cited.split_once(".md") {
            let anchor = tail.strip_prefix('#').map(str::to_string);
            out.push((format!("{page}.md"), anchor));
        }
    }
    out
}

#[test]
fn every_citation_of_the_docs_names_a_page_and_heading_that_exist() {
    let root = repository();
    let mut wrong = Vec::new();
    let mut seen = 0;
    for file in files() {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for (page, heading) in citations(&text) {
            seen += 1;
            let target = root.join(&page);
            if !target.is_file() {
                wrong.push(format!("{}: {page} doesn't exist", file.display()));
            } else if let Some(h) = heading {
                if !anchors_of(&target).contains(&h) {
                    wrong.push(format!("{}: {page} has no heading #{h}", file.display()));
                }
            }
        }
    }
    assert!(seen > 100, "found the citations ({seen})");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn nothing_points_outside_the_repository() {
    let mut wrong = Vec::new();
    for file in files() {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for outside in ["../shared", "shared/spec", "product.md", "ROADMAP.md"] {
            if text.contains(outside) && !file.ends_with("docs.rs") {
                wrong.push(format!("{} mentions {outside}", file.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_checks_read_citations_and_headings_as_written() {
    assert_eq!(
        citations("see docs/rules/roles.md#grant-rules, and docs/architecture.md."),
        [
            (
                "docs/rules/roles.md".to_string(),
                Some("grant-rules".to_string())
            ),
            ("docs/architecture.md".to_string(), None),
        ]
    );
    assert_eq!(
        anchor(" Billing, usage and add-ons"),
        "billing-usage-and-add-ons"
    );
}
