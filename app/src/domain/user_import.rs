//! Importing users from a CSV file (docs/rules/users.md#import): the columns a file may have,
//! reading a row's role and lists, emails a file repeats, what became of each row, and the
//! report a user downloads. Pure: the server reads the file, the page shows the results.

use super::role::Role;
use serde::{Deserialize, Serialize};

/// Largest file accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;
/// Most rows a file may hold.
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// The columns an import reads (`email` required, the others optional, any order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Email,
    Name,
    Role,
    Environments,
    Groups,
    /// A column of the users export the import doesn't read (`id`, `status`, …).
    Ignored,
}

/// The export's columns an import leaves alone, so an export can be imported back.
const EXPORT_ONLY: [&str; 5] = ["id", "status", "two_factor", "created_at", "last_login_at"];

/// The header's columns, or what is wrong with it.
pub fn columns(header: &[String]) -> Result<Vec<Column>, String> {
    let mut out = Vec::with_capacity(header.len());
    for cell in header {
        let name = cell
            .trim()
            .trim_start_matches('\u{feff}')
            .to_ascii_lowercase();
        let column = match name.as_str() {
            "email" => Column::Email,
            "name" => Column::Name,
            "role" => Column::Role,
            "environments" => Column::Environments,
            "groups" => Column::Groups,
            n if EXPORT_ONLY.contains(&n) => Column::Ignored,
            _ => {
                return Err(format!(
                    "The first row must name the columns: email, and any of name, role, environments, groups (\"{}\" isn't one)",
                    cell.trim()
                ))
            }
        };
        if column != Column::Ignored && out.contains(&column) {
            return Err(format!("The column \"{name}\" appears twice"));
        }
        out.push(column);
    }
    if !out.contains(&Column::Email) {
        return Err(
            "The first row must name the columns: email, and any of name, role, environments, groups"
                .to_string(),
        );
    }
    Ok(out)
}

/// One row of the file: its line (the header is line 1) and its cells, trimmed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub line: usize,
    pub email: String,
    pub name: String,
    pub role: String,
    pub environments: String,
    pub groups: String,
}

impl ImportRow {
    /// The row from its cells, read through the header's columns.
    pub fn from_cells(line: usize, columns: &[Column], cells: &[String]) -> ImportRow {
        let mut row = ImportRow {
            line,
            ..ImportRow::default()
        };
        for (column, cell) in columns.iter().zip(cells) {
            let cell = cell.trim().to_string();
            match column {
                Column::Email => row.email = cell,
                Column::Name => row.name = cell,
                Column::Role => row.role = cell,
                Column::Environments => row.environments = cell,
                Column::Groups => row.groups = cell,
                Column::Ignored => {}
            }
        }
        row
    }
}

/// A role by its API name (`media_library_user`) or as the console says it ("Media Library
/// user"), in any case.
pub fn role_named(s: &str) -> Option<Role> {
    let s = s.trim();
    Role::ALL
        .into_iter()
        .find(|r| r.api_str().eq_ignore_ascii_case(s) || r.console_name().eq_ignore_ascii_case(s))
}

/// A list cell: entries separated by `;`, trimmed, empty ones dropped.
pub fn list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// For each row, the line of an earlier row with the same email (any case), if any.
pub fn repeated_emails(rows: &[ImportRow]) -> Vec<Option<usize>> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    rows.iter()
        .map(|r| {
            let key = r.email.trim().to_lowercase();
            if key.is_empty() {
                return None;
            }
            match seen.get(&key) {
                Some(first) => Some(*first),
                None => {
                    seen.insert(key, r.line);
                    None
                }
            }
        })
        .collect()
}

/// What became of a row (or, in a preview, would).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Created,
    Updated,
    Skipped,
    Error,
}

impl ImportOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            ImportOutcome::Created => "created",
            ImportOutcome::Updated => "updated",
            ImportOutcome::Skipped => "skipped",
            ImportOutcome::Error => "error",
        }
    }
}

/// A row's result: its line, its email, the outcome and why (the change, or the reason).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportResult {
    pub line: usize,
    pub email: String,
    pub outcome: ImportOutcome,
    pub detail: String,
}

/// How many rows had each outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub skipped: usize,
    pub error: usize,
}

impl ImportCounts {
    pub fn of(results: &[ImportResult]) -> ImportCounts {
        let mut c = ImportCounts::default();
        for r in results {
            c.add(r.outcome);
        }
        c
    }

    pub fn add(&mut self, outcome: ImportOutcome) {
        match outcome {
            ImportOutcome::Created => self.created += 1,
            ImportOutcome::Updated => self.updated += 1,
            ImportOutcome::Skipped => self.skipped += 1,
            ImportOutcome::Error => self.error += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.created + self.updated + self.skipped + self.error
    }

    /// "3 created, 1 updated, 0 skipped, 2 with errors".
    pub fn sentence(&self) -> String {
        format!(
            "{} created, {} updated, {} skipped, {} with errors",
            self.created, self.updated, self.skipped, self.error
        )
    }
}

/// One CSV field, quoted when it must be (RFC 4180).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with([' ', '=', '+', '-', '@']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The downloadable report: `line,email,result,detail`, one row per row of the file.
pub fn report_csv(results: &[ImportResult]) -> String {
    let mut out = String::from("line,email,result,detail\r\n");
    for r in results {
        out.push_str(&format!(
            "{},{},{},{}\r\n",
            r.line,
            field(&r.email),
            r.outcome.as_str(),
            field(&r.detail)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_header_names_known_columns_with_email() {
        let c = columns(&header(&["\u{feff}Email", " Name", "ROLE", "groups"])).unwrap();
        assert_eq!(
            c,
            vec![Column::Email, Column::Name, Column::Role, Column::Groups]
        );
        // The export's own columns come back in.
        let c = columns(&header(&["id", "email", "status", "environments"])).unwrap();
        assert_eq!(c[1], Column::Email);
        assert!(columns(&header(&["name", "role"]))
            .unwrap_err()
            .contains("email"));
        assert!(columns(&header(&["email", "mail"]))
            .unwrap_err()
            .contains("\"mail\""));
        assert!(columns(&header(&["email", "Email"]))
            .unwrap_err()
            .contains("twice"));
        // A data row where the header should be.
        assert!(columns(&header(&["ann@example.com", "Ann"])).is_err());
    }

    #[test]
    fn rows_roles_lists_and_repeats() {
        let cols = [Column::Name, Column::Email, Column::Ignored];
        let row = ImportRow::from_cells(2, &cols, &header(&[" Ann ", "ann@x.com", "zz"]));
        assert_eq!(
            (row.name.as_str(), row.email.as_str(), row.line),
            ("Ann", "ann@x.com", 2)
        );
        assert_eq!(
            role_named("Media Library user"),
            Some(Role::MediaLibraryUser)
        );
        assert_eq!(role_named(" technical_admin "), Some(Role::TechnicalAdmin));
        assert_eq!(role_named("boss"), None);
        assert_eq!(list(" a; b ;;c"), vec!["a", "b", "c"]);
        let rows: Vec<ImportRow> = ["a@x.com", "b@x.com", "A@X.com", ""]
            .iter()
            .enumerate()
            .map(|(i, e)| ImportRow {
                line: i + 2,
                email: e.to_string(),
                ..ImportRow::default()
            })
            .collect();
        assert_eq!(repeated_emails(&rows), vec![None, None, Some(2), None]);
    }

    #[test]
    fn the_report_quotes_what_it_must_and_counts() {
        let results = vec![
            ImportResult {
                line: 2,
                email: "a@x.com".into(),
                outcome: ImportOutcome::Created,
                detail: String::new(),
            },
            ImportResult {
                line: 3,
                email: "=cmd".into(),
                outcome: ImportOutcome::Error,
                detail: "Unknown role \"x, y\"".into(),
            },
        ];
        assert_eq!(
            report_csv(&results),
            "line,email,result,detail\r\n2,a@x.com,created,\r\n3,\"=cmd\",error,\"Unknown role \"\"x, y\"\"\"\r\n"
        );
        let c = ImportCounts::of(&results);
        assert_eq!((c.created, c.error, c.total()), (1, 1, 2));
        assert_eq!(
            c.sentence(),
            "1 created, 0 updated, 0 skipped, 1 with errors"
        );
    }
}
