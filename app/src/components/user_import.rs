//! *Import users* on User Management (docs/rules/users.md#import): the browser reads the CSV
//! file (gloo-file) and checks its size, the console previews each row, then imports them while
//! a progress bar follows the streamed results; the report is shown and offered as a CSV file.
//! Needs WebAssembly (the form says so until it has loaded).

use crate::domain::format::count;
use crate::domain::user_import::{ImportCounts, ImportOutcome, ImportResult};
use leptos::html::A;
use leptos::prelude::*;

/// Where an import stands (only the browser moves it).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Idle,
    Reading,
    Previewed {
        file: String,
        bytes: Vec<u8>,
        results: Vec<ImportResult>,
    },
    Importing {
        done: usize,
        total: usize,
    },
    Finished {
        results: Vec<ImportResult>,
    },
    Failed(String),
}

/// Rows shown in a table at most (the report file holds all of them).
const SHOWN: usize = 500;

fn outcome_words(o: ImportOutcome, preview: bool) -> &'static str {
    match (o, preview) {
        (ImportOutcome::Created, true) => "To create",
        (ImportOutcome::Updated, true) => "To update",
        (ImportOutcome::Skipped, true) => "To skip",
        (ImportOutcome::Created, false) => "Created",
        (ImportOutcome::Updated, false) => "Updated",
        (ImportOutcome::Skipped, false) => "Skipped",
        (ImportOutcome::Error, _) => "Error",
    }
}

/// The rows worth reading (all but the plain creates), in a table.
#[component]
fn RowTable(results: Vec<ImportResult>, caption: &'static str, preview: bool) -> impl IntoView {
    let listed: Vec<&ImportResult> = results
        .iter()
        .filter(|r| r.outcome != ImportOutcome::Created)
        .collect();
    let more = listed.len().saturating_sub(SHOWN);
    let rows = listed
        .into_iter()
        .take(SHOWN)
        .map(|r| {
            view! {
                <tr>
                    <td>{r.line}</td>
                    <th scope="row">{r.email.clone()}</th>
                    <td><span class="status" class:status-disabled=r.outcome == ImportOutcome::Error>
                        {outcome_words(r.outcome, preview)}
                    </span></td>
                    <td>{r.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Row"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">"Detail"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(more > 0).then(|| view! { <p class="field-hint">{format!("And {} more rows in the report.", count(more as u64))}</p> })}
    }
}

/// The panel: choose a file, read its preview, import, read and download the report.
#[component]
pub fn ImportUsers(
    /// Runs after an import, so the page's table shows the new users.
    on_done: Callback<()>,
) -> impl IntoView {
    let stage = RwSignal::new(Stage::Idle);
    let saver = NodeRef::<A>::new();
    let input = NodeRef::<leptos::html::Input>::new();
    let view_stage = move || {
        stage.with(|s| match s.clone() {
            Stage::Idle => ().into_any(),
            Stage::Reading => view! { <p role="status">"Reading the file…"</p> }.into_any(),
            Stage::Failed(message) => {
                view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any()
            }
            Stage::Previewed { file, bytes, results } => {
                let counts = ImportCounts::of(&results);
                let applicable = counts.created + counts.updated;
                view! {
                    <p role="status">{format!(
                        "{file}: {} to create, {} to update, {} to skip, {} with errors. Nothing is imported yet.",
                        counts.created, counts.updated, counts.skipped, counts.error
                    )}</p>
                    <RowTable results caption="Rows to check" preview=true/>
                    <p class="button-row">
                        <button type="button" class="button button-primary" disabled=applicable == 0
                            on:click=move |_| run_import(bytes.clone(), stage, on_done)>
                            {format!("Import {} users", count(applicable as u64))}
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| {
                            stage.set(Stage::Idle);
                            if let Some(i) = input.get_untracked() { i.set_value(""); }
                        }>"Choose another file"</button>
                    </p>
                }
                .into_any()
            }
            Stage::Importing { done, total } => view! {
                <p class="export-progress">
                    <progress aria-label="Import progress" max=total.max(1).to_string() value=done.min(total).to_string()></progress>
                </p>
                <p role="status">{format!("Importing: {} of {} rows", count(done as u64), count(total as u64))}</p>
            }
            .into_any(),
            Stage::Finished { results } => {
                let counts = ImportCounts::of(&results);
                let report = results.clone();
                view! {
                    <p role="status">{format!("Import finished: {}.", counts.sentence())}</p>
                    <RowTable results caption="Import report" preview=false/>
                    <p class="button-row">
                        <button type="button" class="button" on:click=move |_| save_report(&report, saver)>"Download report"</button>
                    </p>
                }
                .into_any()
            }
        })
    };
    view! {
        <section class="panel" aria-labelledby="import-users-title">
            <h2 id="import-users-title">"Import users"</h2>
            <p class="field-hint" id="import-file-hint">
                "A CSV file: a first row naming the columns — email, and any of name, role, environments, groups (several separated by ;). New emails are invited, known ones updated. At most 10 MB."
            </p>
            <div class="field">
                <label for="import-file">"CSV file"</label>
                <input id="import-file" type="file" accept=".csv,text/csv" node_ref=input
                    aria-describedby="import-file-hint"
                    disabled=move || matches!(stage.get(), Stage::Reading | Stage::Importing { .. })
                    on:change=move |_| choose(input, stage)/>
            </div>
            {view_stage}
            <a node_ref=saver hidden=true aria-hidden="true" tabindex="-1"></a>
        </section>
    }
}

#[cfg(not(feature = "hydrate"))]
fn choose(_: NodeRef<leptos::html::Input>, _: RwSignal<Stage>) {}

#[cfg(not(feature = "hydrate"))]
fn run_import(_: Vec<u8>, _: RwSignal<Stage>, _: Callback<()>) {}

#[cfg(not(feature = "hydrate"))]
fn save_report(_: &[ImportResult], _: NodeRef<A>) {}

/// The file chosen: read (gloo-file), its size checked, then previewed by the console.
#[cfg(feature = "hydrate")]
fn choose(input: NodeRef<leptos::html::Input>, stage: RwSignal<Stage>) {
    use crate::domain::user_import::MAX_IMPORT_BYTES;
    let Some(file) = input
        .get_untracked()
        .and_then(|i| i.files())
        .and_then(|list| list.get(0))
    else {
        return;
    };
    let file = gloo_file::File::from(file);
    if file.size() as usize > MAX_IMPORT_BYTES {
        stage.set(Stage::Failed(format!(
            "{} is larger than 10 MB: split it into smaller files.",
            file.name()
        )));
        return;
    }
    stage.set(Stage::Reading);
    leptos::task::spawn_local(async move {
        let next = match gloo_file::futures::read_as_bytes(&file).await {
            Err(_) => Stage::Failed("The browser couldn't read the file.".to_string()),
            Ok(bytes) => match browser::preview(&bytes).await {
                Ok(results) => Stage::Previewed {
                    file: file.name(),
                    bytes,
                    results,
                },
                Err(message) => Stage::Failed(message),
            },
        };
        stage.set(next);
    });
}

#[cfg(feature = "hydrate")]
fn run_import(bytes: Vec<u8>, stage: RwSignal<Stage>, on_done: Callback<()>) {
    stage.set(Stage::Importing { done: 0, total: 0 });
    leptos::task::spawn_local(async move {
        let next = match browser::import(&bytes, stage).await {
            Ok(results) => Stage::Finished { results },
            Err(message) => Stage::Failed(message),
        };
        stage.set(next);
        on_done.run(());
    });
}

#[cfg(feature = "hydrate")]
fn save_report(results: &[ImportResult], saver: NodeRef<A>) {
    let text = crate::domain::user_import::report_csv(results);
    let blob = gloo_file::Blob::new_with_options(text.as_str(), Some("text/csv"));
    let url = gloo_file::ObjectUrl::from(blob);
    if let Some(link) = saver.get_untracked() {
        link.set_href(&url);
        link.set_download("import-report.csv");
        link.click();
    }
    browser::keep(url);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Stage;
    use crate::api::ConsoleError;
    use crate::domain::user_import::ImportResult;
    use futures_util::StreamExt;
    use leptos::prelude::*;

    const STOPPED: &str = "The console couldn't be reached. Rows already imported stay; import the file again to finish (done rows are skipped).";

    async fn post(url: &str, bytes: &[u8]) -> Result<gloo_net::http::Response, String> {
        let body = js_sys::Uint8Array::from(bytes);
        let response = gloo_net::http::Request::post(url)
            .header("Content-Type", "text/csv")
            .body(body)
            .map_err(|_| STOPPED.to_string())?
            .send()
            .await
            .map_err(|_| STOPPED.to_string())?;
        if response.ok() {
            return Ok(response);
        }
        let text = response.text().await.unwrap_or_default();
        Err(serde_json::from_str::<ConsoleError>(&text)
            .map(|e| e.to_string())
            .unwrap_or_else(|_| format!("The import failed ({}). Try again.", response.status())))
    }

    pub(super) async fn preview(bytes: &[u8]) -> Result<Vec<ImportResult>, String> {
        #[derive(serde::Deserialize)]
        struct Preview {
            results: Vec<ImportResult>,
        }
        let response = post("/api/users/import/preview", bytes).await?;
        let preview: Preview = response.json().await.map_err(|_| STOPPED.to_string())?;
        Ok(preview.results)
    }

    /// The import's results as they stream in, one JSON line per row.
    pub(super) async fn import(
        bytes: &[u8],
        stage: RwSignal<Stage>,
    ) -> Result<Vec<ImportResult>, String> {
        let response = post("/api/users/import", bytes).await?;
        let total = response
            .headers()
            .get("x-record-count")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        stage.set(Stage::Importing { done: 0, total });
        let body = response.body().ok_or_else(|| STOPPED.to_string())?;
        let mut stream = wasm_streams::ReadableStream::from_raw(body).into_stream();
        let (mut pending, mut results) = (Vec::<u8>::new(), Vec::with_capacity(total));
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|_| STOPPED.to_string())?;
            pending.extend(js_sys::Uint8Array::new(&chunk).to_vec());
            while let Some(end) = pending.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = pending.drain(..=end).collect();
                let result: ImportResult =
                    serde_json::from_slice(&line).map_err(|_| STOPPED.to_string())?;
                results.push(result);
            }
            stage.set(Stage::Importing {
                done: results.len(),
                total,
            });
        }
        if results.len() < total {
            return Err(STOPPED.to_string());
        }
        Ok(results)
    }

    thread_local! {
        static SAVED: std::cell::RefCell<Option<gloo_file::ObjectUrl>> = const { std::cell::RefCell::new(None) };
    }

    /// Keeps the report's address alive until the next one.
    pub(super) fn keep(url: gloo_file::ObjectUrl) {
        SAVED.with(|s| s.replace(Some(url)));
    }
}
