//! `server users import FILE.csv` (docs/rules/users.md#import): the page's import at the
//! command line, as the operator (a Master admin of the account, recorded as `operator`), with a
//! progress bar on the terminal.

use app::domain::user_import::{report_csv, ImportCounts, ImportOutcome, MAX_IMPORT_BYTES};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;

pub async fn run(
    config: &crate::config::Config,
    file: &Path,
    report: Option<&Path>,
    account_id: Option<&str>,
) -> Result<String, String> {
    let path = file.to_path_buf();
    let rows = tokio::task::spawn_blocking(move || read_file(&path))
        .await
        .map_err(|e| e.to_string())??;
    let service = crate::open_service(config).await?;
    let principal = service
        .operator_principal(account_id)
        .await
        .map_err(|e| crate::bootstrap_cmd::refusal("nothing was imported", e))?;
    let meta = app::service::RequestMeta::operator();
    let ctx = service
        .import_context(&principal, &meta)
        .await
        .map_err(|e| crate::bootstrap_cmd::refusal("nothing was imported", e))?;
    let bar = ProgressBar::new(rows.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows · {per_sec} · {eta} left")
            .map_err(|e| e.to_string())?,
    );
    let mut results = Vec::with_capacity(rows.len());
    for (row, repeated) in &rows {
        let result = service
            .import_row(&principal, &ctx, row, *repeated, &meta)
            .await;
        if result.outcome == ImportOutcome::Error {
            let line = format!("row {}: {} — {}", result.line, result.email, result.detail);
            // Without a terminal the bar draws nothing, and prints nothing either.
            if bar.is_hidden() {
                eprintln!("{line}");
            } else {
                bar.println(line);
            }
        }
        results.push(result);
        bar.inc(1);
    }
    bar.finish_and_clear();
    if let Some(path) = report.map(Path::to_path_buf) {
        let text = report_csv(&results);
        tokio::task::spawn_blocking(move || {
            std::fs::write(&path, text).map_err(|e| format!("can't write {}: {e}", path.display()))
        })
        .await
        .map_err(|e| e.to_string())??;
    }
    let counts = ImportCounts::of(&results);
    Ok(serde_json::json!({
        "created": counts.created,
        "updated": counts.updated,
        "skipped": counts.skipped,
        "error": counts.error,
    })
    .to_string())
}

/// The file's rows (blocking: file I/O and parsing), refused whole when too large.
fn read_file(
    file: &Path,
) -> Result<Vec<(app::domain::user_import::ImportRow, Option<usize>)>, String> {
    let size = std::fs::metadata(file)
        .map_err(|e| format!("can't read {}: {e}", file.display()))?
        .len();
    if size > MAX_IMPORT_BYTES as u64 {
        return Err(format!(
            "{} is larger than {} MB",
            file.display(),
            MAX_IMPORT_BYTES / (1024 * 1024)
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("can't read {}: {e}", file.display()))?;
    crate::users_import::read_csv(&bytes)
}
