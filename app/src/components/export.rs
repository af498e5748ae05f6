//! Downloads that show their progress (docs/rules/audit.md#export): the page reads the
//! streamed answer itself, counts its records against the total the answer announces
//! (`X-Record-Count`), shows a progress bar with a *Cancel* button, then saves the file.
//! Without WebAssembly the links download as plain links.

use crate::domain::export_progress::ExportFormat;
use crate::domain::format::count;
use leptos::html::A;
use leptos::prelude::*;

/// Where an export stands (only the browser moves it).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Progress {
    Idle,
    Running {
        format: ExportFormat,
        done: u64,
        total: Option<u64>,
    },
    Finished {
        file: String,
        records: u64,
    },
    Cancelled,
    Failed(String),
}

impl Progress {
    fn running(&self) -> bool {
        matches!(self, Progress::Running { .. })
    }

    /// The sentence the status line says.
    fn words(&self) -> Option<String> {
        let upper = |f: ExportFormat| f.as_str().to_uppercase();
        match self {
            Progress::Idle => None,
            Progress::Running {
                format,
                done,
                total: Some(total),
            } => Some(format!(
                "Exporting {}: {} of {} records",
                upper(*format),
                count(*done),
                count(*total)
            )),
            Progress::Running { format, done, .. } => Some(format!(
                "Exporting {}: {} records",
                upper(*format),
                count(*done)
            )),
            Progress::Finished { file, records } => {
                Some(format!("Exported {} records as {file}.", count(*records)))
            }
            Progress::Cancelled => Some("Export cancelled; nothing was saved.".to_string()),
            Progress::Failed(_) => None,
        }
    }
}

/// *Download CSV* and *Download JSON* for `url(format)`, with the export's progress.
#[component]
pub fn ExportDownloads(
    /// The export's address for a format (its query included).
    url: Callback<ExportFormat, String>,
    /// What the downloads hold, under the buttons.
    #[prop(into)]
    hint: String,
    /// The files' name without extension (`users` → `users.csv`).
    stem: &'static str,
) -> impl IntoView {
    let progress = RwSignal::new(Progress::Idle);
    let cancel = RwSignal::new(false);
    let saver = NodeRef::<A>::new();
    let button = move |format: ExportFormat, label: &'static str| {
        view! {
            <a class="button" download=format.file_name(stem) href=move || url.run(format)
                aria-disabled=move || progress.with(Progress::running).to_string()
                on:click=move |ev| {
                    ev.prevent_default();
                    if !progress.with_untracked(Progress::running) {
                        start(url.run(format), format, stem, progress, cancel, saver);
                    }
                }>{label}</a>
        }
    };
    view! {
        <div class="export" role="group" aria-label="Export">
            <p class="button-row">
                {button(ExportFormat::Csv, "Download CSV")}
                {button(ExportFormat::Json, "Download JSON")}
                <span class="field-hint">{hint}</span>
            </p>
            {move || {
                progress.with(|p| match p {
                    Progress::Running { done, total, .. } => {
                        let (done, total) = (*done, *total);
                        Some(view! {
                            <p class="export-progress">
                                <progress aria-label="Export progress"
                                    max=total.map(|t| t.max(1).to_string())
                                    value=total.map(|t| done.min(t).to_string())></progress>
                                <button type="button" class="button button-quiet"
                                    on:click=move |_| cancel.set(true)>"Cancel export"</button>
                            </p>
                        }.into_any())
                    }
                    Progress::Failed(message) => Some(view! {
                        <p class="notice notice-error" role="alert">{message.clone()}</p>
                    }.into_any()),
                    _ => None,
                })
            }}
            <p class="field-hint" role="status" aria-live="polite">{move || progress.with(Progress::words)}</p>
            <a node_ref=saver hidden=true aria-hidden="true" tabindex="-1"></a>
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
fn start(
    _: String,
    _: ExportFormat,
    _: &'static str,
    _: RwSignal<Progress>,
    _: RwSignal<bool>,
    _: NodeRef<A>,
) {
}

#[cfg(feature = "hydrate")]
fn start(
    url: String,
    format: ExportFormat,
    stem: &'static str,
    progress: RwSignal<Progress>,
    cancel: RwSignal<bool>,
    saver: NodeRef<A>,
) {
    cancel.set(false);
    progress.set(Progress::Running {
        format,
        done: 0,
        total: None,
    });
    leptos::task::spawn_local(async move {
        let end = match browser::read(&url, format, progress, cancel).await {
            Ok(Some((chunks, records))) => match browser::save(&chunks, format, stem, saver) {
                Ok(()) => Progress::Finished {
                    file: format.file_name(stem),
                    records,
                },
                Err(message) => Progress::Failed(message),
            },
            Ok(None) => Progress::Cancelled,
            Err(message) => Progress::Failed(message),
        };
        progress.set(end);
    });
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::Progress;
    use crate::api::ConsoleError;
    use crate::domain::export_progress::{ExportFormat, RecordCounter};
    use futures_util::StreamExt;
    use leptos::html::A;
    use leptos::prelude::*;

    const STOPPED: &str =
        "The export stopped before the end: the console couldn't be reached. Try again.";

    /// Reads the export, counting records as they arrive: its chunks (kept on the browser's
    /// side, not copied into WebAssembly memory) and how many records, or `None` if cancelled.
    pub(super) async fn read(
        url: &str,
        format: ExportFormat,
        progress: RwSignal<Progress>,
        cancel: RwSignal<bool>,
    ) -> Result<Option<(js_sys::Array, u64)>, String> {
        let response = gloo_net::http::Request::get(url)
            .send()
            .await
            .map_err(|_| STOPPED.to_string())?;
        if !response.ok() {
            let text = response.text().await.unwrap_or_default();
            return Err(serde_json::from_str::<ConsoleError>(&text)
                .map(|e| e.to_string())
                .unwrap_or_else(|_| {
                    format!("The export failed ({}). Try again.", response.status())
                }));
        }
        let total = response
            .headers()
            .get("x-record-count")
            .and_then(|v| v.parse::<u64>().ok());
        let body = response.body().ok_or_else(|| STOPPED.to_string())?;
        let mut stream = wasm_streams::ReadableStream::from_raw(body).into_stream();
        let (chunks, mut counter) = (js_sys::Array::new(), RecordCounter::new(format));
        while let Some(chunk) = stream.next().await {
            if cancel.get_untracked() {
                // Dropping the stream cancels the download.
                return Ok(None);
            }
            let chunk = chunk.map_err(|_| STOPPED.to_string())?;
            counter.feed(&js_sys::Uint8Array::new(&chunk).to_vec());
            chunks.push(&chunk);
            progress.set(Progress::Running {
                format,
                done: counter.records(),
                total,
            });
        }
        Ok(Some((chunks, counter.records())))
    }

    /// Saves the chunks as the format's file through the hidden link.
    pub(super) fn save(
        chunks: &js_sys::Array,
        format: ExportFormat,
        stem: &str,
        saver: NodeRef<A>,
    ) -> Result<(), String> {
        let options = web_sys::BlobPropertyBag::new();
        options.set_type(format.media_type());
        let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(chunks, &options)
            .map_err(|_| {
                "The browser couldn't hold the export. Narrow the filters and try again."
                    .to_string()
            })?;
        let url = gloo_file::ObjectUrl::from(blob);
        let link = saver.get_untracked().ok_or_else(|| STOPPED.to_string())?;
        link.set_href(&url);
        link.set_download(&format.file_name(stem));
        link.click();
        // The address lives until the page's next export or the page goes.
        SAVED.with(|s| s.replace(Some(url)));
        Ok(())
    }

    thread_local! {
        static SAVED: std::cell::RefCell<Option<gloo_file::ObjectUrl>> = const { std::cell::RefCell::new(None) };
    }
}
