use crate::api::audit_log;
use crate::components::layout::AreaGate;
use crate::components::status::{Empty, ErrorNotice, Loading};
use crate::domain::{Area, AuditEntry};
use leptos::prelude::*;
use leptos_meta::Title;

/// The newest audit records of the account (filters and export come with the security work).
#[component]
pub fn AuditLogPage() -> impl IntoView {
    view! {
        <Title text="Audit log"/>
        <AreaGate area=Area::AuditLog>
            <AuditLogTable/>
        </AreaGate>
    }
}

#[component]
fn AuditLogTable() -> impl IntoView {
    let records = crate::components::data::data(|| (), |_| audit_log());
    view! {
        <h1>"Audit log"</h1>
        <p class="lead">"The newest 200 actions in this account, newest first. Times are UTC."</p>
        <Suspense fallback=|| view! { <Loading/> }>
            {move || {
                records
                    .get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(rows) if rows.is_empty() => view! { <Empty message="No actions recorded yet."/> }.into_any(),
                        Ok(rows) => view! { <AuditTable rows/> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn AuditTable(rows: Vec<AuditEntry>) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Actor"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Change"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Result"</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let change = match (r.before, r.after) {
                                (Some(b), Some(a)) => format!("{b} → {a}"),
                                (None, Some(a)) => a,
                                (Some(b), None) => b,
                                (None, None) => String::new(),
                            };
                            view! {
                                <tr>
                                    <td><time>{crate::components::time::utc(r.at)}</time></td>
                                    <td>{r.actor}</td>
                                    <td><code>{r.action}</code>{(r.times > 1).then(|| format!(" ×{}", r.times))}</td>
                                    <td>{r.target.unwrap_or_default()}</td>
                                    <td class="cell-change">{change}</td>
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
