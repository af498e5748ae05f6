//! The Provisioning API reference (for whoever manages account API keys): how to call it,
//! then every operation by area, with its parameters and answer — read from the OpenAPI
//! document the server generates and serves at `/api/openapi.json`.

use crate::api::provisioning_api_reference;
use crate::components::layout::{use_me, AreaGate};
use crate::components::status::{ErrorNotice, Loading};
use crate::domain::api_reference::ApiOperation;
use crate::domain::Area;
use leptos::prelude::*;
use leptos_meta::Title;

const AREAS: [(&str, &str); 4] = [
    (
        "product environments",
        "Product environments (sub_accounts)",
    ),
    ("access keys", "Access keys"),
    ("users", "Users"),
    ("user groups", "User groups"),
];

#[component]
pub fn ProvisioningApiPage() -> impl IntoView {
    let me = use_me();
    let operations = crate::components::data::data(|| (), |_| provisioning_api_reference());
    let base = format!("/v1_1/provisioning/accounts/{}", me.account_id);
    view! {
        <Title text="Provisioning API"/>
        <AreaGate area=Area::AccountApiKeys>
            <h1>"Provisioning API"</h1>
            <p class="lead">"Manage this account's product environments, access keys, users and user groups from scripts and Cloudinary's official SDKs."</p>
            <section class="panel" aria-labelledby="api-calling">
                <h2 id="api-calling">"Calling it"</h2>
                <dl class="facts">
                    <dt>"Base path"</dt><dd><code>{base.clone()}</code></dd>
                    <dt>"Authentication"</dt><dd>"HTTP Basic: an account API key as the user name, its secret as the password."</dd>
                    <dt>"SDKs"</dt><dd><code>"CLOUDINARY_ACCOUNT_URL=account://<key>:<secret>@"{me.account_id.clone()}</code>" with this console's address as "<code>"upload_prefix"</code>"."</dd>
                    <dt>"Answers"</dt><dd>"200 with JSON on success; errors are "<code>"{\"error\":{\"message\":…}}"</code>" with 400, 401, 403, 404, 409, 420 (hourly quota) or 429."</dd>
                    <dt>"OpenAPI 3.1"</dt><dd><a href="/api/openapi.json" rel="external">"/api/openapi.json"</a></dd>
                </dl>
                <p><a href="/account-api-keys">"Manage account API keys"</a></p>
            </section>
            <Suspense fallback=|| view! { <Loading/> }>
                {move || operations.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) => view! { <Reference list/> }.into_any(),
                })}
            </Suspense>
        </AreaGate>
    }
}

#[component]
fn Reference(list: Vec<ApiOperation>) -> impl IntoView {
    AREAS
        .iter()
        .map(|(tag, title)| {
            let ops: Vec<ApiOperation> = list.iter().filter(|o| o.tag == *tag).cloned().collect();
            let id = format!("api-{}", tag.replace(' ', "-"));
            let heading = id.clone();
            view! {
                <section class="panel" aria-labelledby=id>
                    <h2 id=heading>{*title}</h2>
                    {ops.into_iter().map(|op| view! { <Operation op/> }).collect_view()}
                </section>
            }
        })
        .collect_view()
}

#[component]
fn Operation(op: ApiOperation) -> impl IntoView {
    let path = op
        .path
        .split_once("{account_id}")
        .map_or(op.path.clone(), |(_, rest)| rest.to_string());
    let label = format!("{} {}", op.method, path);
    let fields = op
        .fields
        .into_iter()
        .filter(|f| f.name != "account_id")
        .collect::<Vec<_>>();
    let heading = label.clone();
    view! {
        <article class="api-operation" aria-label=label>
            <h3><code>{heading}</code></h3>
            <p>{op.summary}</p>
            {(!fields.is_empty()).then(|| view! {
                <table class="table">
                    <caption class="visually-hidden">"Parameters"</caption>
                    <thead><tr>
                        <th scope="col">"Parameter"</th><th scope="col">"In"</th>
                        <th scope="col">"Required"</th><th scope="col">"Description"</th>
                    </tr></thead>
                    <tbody>
                        {fields.into_iter().map(|f| view! {
                            <tr>
                                <th scope="row"><code>{f.name}</code></th>
                                <td>{f.location}</td>
                                <td>{if f.required { "Yes" } else { "No" }}</td>
                                <td>{f.description}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p>"Answer: "<code>{op.response}</code></p>
        </article>
    }
}
