//! Usage (docs/rules/account.md#billing-usage-and-add-ons, `reports.view`): seat use over 30 days,
//! per-environment counts, and the media platform's figures — or plainly that it hasn't reported.

use crate::api::load_usage;
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::usage::{UsageReport, MEDIA_METRICS};
use leptos::prelude::*;

#[component]
pub fn Usage() -> impl IntoView {
    let report = crate::components::data::data(|| (), |_| load_usage());
    view! {
        <section class="panel" aria-labelledby="usage-title">
            <h2 id="usage-title">"Usage"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(u) => view! { <UsageView u/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn UsageView(u: UsageReport) -> impl IntoView {
    let peak = u
        .seat_history
        .iter()
        .map(|d| d.seats_used)
        .max()
        .unwrap_or(0)
        .max(u.seat_limit)
        .max(1);
    view! {
        <h3>"Seats"</h3>
        <p>{format!("{} of {} seats in use.", u.seats_used, u.seat_limit)}</p>
        <figure class="seat-chart">
            <figcaption>"Seats in use at the end of each day, last 30 days (UTC)"</figcaption>
            <ol class="bars" aria-label="Seats in use per day">
                {u.seat_history.iter().map(|d| {
                    let pct = d.seats_used * 100 / peak;
                    view! {
                        <li title=format!("{}: {}", d.day, d.seats_used)>
                            <span class="bar" style=format!("block-size: {pct}%")></span>
                            <span class="visually-hidden">{format!("{}: {} seats", d.day, d.seats_used)}</span>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </figure>
        <h3>"Product environments"</h3>
        <table class="table">
            <caption class="visually-hidden">"Usage per product environment"</caption>
            <thead><tr>
                <th scope="col">"Environment"</th><th scope="col">"Users with access"</th>
                <th scope="col">"API keys"</th><th scope="col">"User groups"</th>
                <th scope="col">"Assets"</th>
                <th scope="col">{format!("Media usage since {}", u.cycle_start)}</th>
            </tr></thead>
            <tbody>
                {u.environments.into_iter().map(|e| view! {
                    <tr>
                        <th scope="row">{format!("{} ({})", e.name, e.cloud_name)}</th>
                        <td>{e.users_with_access}</td>
                        <td>{e.api_keys}</td>
                        <td>{e.groups}</td>
                        <td>{e.asset_count.map_or("Not reported".to_string(), |n| n.to_string())}</td>
                        <td>{if e.media.is_empty() {
                            "Not reported yet by the media platform".to_string()
                        } else {
                            e.media.iter().map(|(m, v)| {
                                let label = MEDIA_METRICS.iter().find(|(id, _)| id == m).map_or(m.as_str(), |(_, l)| l);
                                format!("{label}: {v}")
                            }).collect::<Vec<_>>().join("; ")
                                + &e.reported_through.map(|d| format!(" (through {d})")).unwrap_or_default()
                        }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
