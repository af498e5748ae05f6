//! The audit log (docs/rules/audit.md#the-audit-log-page): filters by time (UTC), actor,
//! action and target; pages by keyset, newest first; each record's before and after; the
//! filtered records downloaded as CSV or JSON, with the download's progress.

use crate::api::{audit_records_page, ConsoleError};
use crate::components::export::ExportDownloads;
use crate::components::layout::AreaGate;
use crate::components::status::{Empty, ErrorNotice, Loading};
use crate::domain::audit_query::{AuditPage, AUDIT_PAGE_SIZE};
use crate::domain::export_progress::ExportFormat;
use crate::domain::{Area, AuditEntry};
use leptos::prelude::*;
use leptos_meta::Title;

/// The filters as typed into the form.
#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    from: String,
    to: String,
    actor: String,
    action: String,
    target: String,
}

impl Filters {
    /// The export's query string.
    fn query(&self, format: &str) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("format", format);
        for (k, v) in [
            ("from", &self.from),
            ("to", &self.to),
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
        ] {
            if !v.trim().is_empty() {
                q.append_pair(k, v.trim());
            }
        }
        q.finish()
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log"/>
        <AreaGate area=Area::AuditLog>
            <AuditLog/>
        </AreaGate>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    // What's typed, what's applied, and the cursors of the pages before this one.
    let typed = RwSignal::new(Filters::default());
    let applied = RwSignal::new(Filters::default());
    let cursors = RwSignal::new(Vec::<i64>::new());
    let page = crate::components::data::data(
        move || (applied.get(), cursors.get().last().copied()),
        |(f, after): (Filters, Option<i64>)| {
            audit_records_page(
                f.from,
                f.to,
                f.actor,
                f.action,
                f.target,
                after.map(|a| a.to_string()).unwrap_or_default(),
                crate::components::time::browser_zone(),
            )
        },
    );
    let apply = move || {
        cursors.set(Vec::new());
        applied.set(typed.get_untracked());
    };
    let field = move |label: &'static str,
                      id: &'static str,
                      kind: &'static str,
                      hint: &'static str,
                      get: fn(&Filters) -> String,
                      set: fn(&mut Filters, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type=kind autocomplete="off" aria-describedby=format!("{id}-hint")
                    prop:value=move || typed.with(get)
                    on:input=move |ev| typed.update(|f| set(f, event_target_value(&ev)))/>
                <p class="field-hint" id=format!("{id}-hint")>{hint}</p>
            </div>
        }
    };
    view! {
        <h1>"Audit log"</h1>
        <p class="lead">"Every change in this account, newest first. The filters' times are UTC; records show your time zone (My Profile)."</p>
        <form class="filters" aria-label="Filter the audit log" novalidate=true
            on:submit=move |ev| { ev.prevent_default(); apply(); }>
            <div class="field-row">
                {field("From", "audit-from", "datetime-local", "UTC, inclusive.", |f| f.from.clone(), |f, v| f.from = v)}
                {field("To", "audit-to", "datetime-local", "UTC, exclusive.", |f| f.to.clone(), |f, v| f.to = v)}
            </div>
            <div class="field-row">
                {field("Actor", "audit-actor", "text", "An email, an account API key's name, operator or system.", |f| f.actor.clone(), |f, v| f.actor = v)}
                {field("Action", "audit-action", "text", "user.delete — or user. for all of an area.", |f| f.action.clone(), |f, v| f.action = v)}
                {field("Target", "audit-target", "text", "The target's id or name.", |f| f.target.clone(), |f, v| f.target = v)}
            </div>
            <div class="button-row">
                <button type="submit" class="button button-primary">"Apply filters"</button>
                <button type="button" class="button button-quiet"
                    on:click=move |_| { typed.set(Filters::default()); apply(); }>"Clear filters"</button>
            </div>
        </form>
        <ExportDownloads
            url=Callback::new(move |format: ExportFormat| {
                format!("/api/audit_log/export?{}", applied.with(|f| f.query(format.as_str())))
            })
            hint="Every record the filters match, not only this page." stem="audit-log"/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || page.get().map(|r| view! { <Results result=r cursors/> })}
        </Transition>
    }
}

#[component]
fn Results(result: Result<AuditPage, ConsoleError>, cursors: RwSignal<Vec<i64>>) -> impl IntoView {
    match result {
        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
        Ok(p) if p.records.is_empty() && cursors.with_untracked(Vec::is_empty) => {
            view! { <Empty message="No records match these filters."/> }.into_any()
        }
        Ok(p) => {
            let next = p.next;
            let first = cursors.with_untracked(Vec::is_empty);
            let zone = p.time_zone.clone();
            view! {
                <p class="field-hint">{format!("Times in {zone}.")}</p>
                <AuditTable rows=p.records/>
                <nav class="button-row" aria-label="Audit log pages">
                    <button type="button" class="button" disabled=first
                        on:click=move |_| cursors.update(|c| { c.pop(); })>"Newer"</button>
                    <button type="button" class="button" disabled=next.is_none()
                        on:click=move |_| if let Some(n) = next { cursors.update(|c| c.push(n)) }>"Older"</button>
                    <span class="field-hint">{format!("{AUDIT_PAGE_SIZE} records a page")}</span>
                </nav>
            }
            .into_any()
        }
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Audit records"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Before"</th>
                        <th scope="col">"After"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <td><time>{if r.when.is_empty() { crate::components::time::utc(r.at) } else { r.when.clone() }}</time></td>
                                    <td>{r.actor}</td>
                                    <td><code>{r.action}</code>{(r.times > 1).then(|| format!(" ×{}", r.times))}</td>
                                    <td>{r.target.unwrap_or_default()}</td>
                                    <td class="cell-change">{r.before.unwrap_or_default()}</td>
                                    <td class="cell-change">{r.after.unwrap_or_default()}</td>
                                    <td>{r.ip.unwrap_or_default()}</td>
                                    <td>{r.result}</td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}
