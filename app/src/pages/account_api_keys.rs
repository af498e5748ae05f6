//! Account API keys (docs/rules/account.md#accounts-and-plans): the Provisioning API's credentials.
//! Master admins list, create (re-authenticated; the secret shown once), disable, enable and
//! delete.

use crate::api::{
    list_account_api_keys, CreateAccountApiKey, DeleteAccountApiKey, SetAccountApiKeyEnabled,
};
use crate::components::form::{field_error, form_error};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::account_api_key::{
    AccountApiKeySummary, AccountKeySecret, MAX_ACCOUNT_API_KEYS,
};
use crate::domain::format::utc;
use crate::domain::Area;
use crate::domain::Feature;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountApiKeysPage() -> impl IntoView {
    let me = use_me();
    let create = ServerAction::<CreateAccountApiKey>::new();
    let toggle = ServerAction::<SetAccountApiKeyEnabled>::new();
    let delete = ServerAction::<DeleteAccountApiKey>::new();
    sign_in_again_on(create.value());
    sign_in_again_on(toggle.value());
    sign_in_again_on(delete.value());
    let keys = crate::components::data::data(
        move || {
            (
                create.version().get(),
                toggle.version().get(),
                delete.version().get(),
            )
        },
        |_| list_account_api_keys(),
    );
    let name = RwSignal::new(String::new());
    let submit = move || {
        create.dispatch(CreateAccountApiKey {
            name: name.get_untracked(),
        });
    };
    let again = Callback::new(move |_| submit());
    let reauth = needs_reauth(create.value());
    let created = Signal::derive(move || create.value().get().and_then(|r| r.ok()));
    let name_error = field_error(create.value(), "name");
    let problems = Signal::derive(move || {
        form_error(create.value())
            .get()
            .or_else(|| form_error(toggle.value()).get())
            .or_else(|| form_error(delete.value()).get())
    });
    view! {
        <Title text="Account API keys"/>
        <AreaGate area=Area::AccountApiKeys>
            <h1>"Account API keys"</h1>
            <p class="lead">{format!(
                "Credentials for the Provisioning API. A key acts as a Master admin over every product environment; an account has at most {MAX_ACCOUNT_API_KEYS}."
            )}</p>
            <p>"Account ID: "<code>{me.account_id.clone()}</code>" · "<a href="/provisioning-api">"Provisioning API reference"</a></p>
            <FormStatus error=problems/>
            <ReauthPrompt needed=reauth on_done=again/>
            {move || created.get().map(|s| view! { <NewKeySecret secret=s/> })}
            <Transition fallback=|| view! { <Loading/> }>
                {move || keys.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <Empty message="No account API keys yet."/> }.into_any(),
                    Ok(list) => view! { <KeyTable list toggle delete/> }.into_any(),
                })}
            </Transition>
            <section class="panel" aria-labelledby="create-key-title">
                <h2 id="create-key-title">"Create an account API key"</h2>
                <form aria-label="Create an account API key" novalidate=true
                    on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <div class="field" class:field-invalid=move || name_error.get().is_some()>
                        <label for="account-key-name">"Key name"</label>
                        <input id="account-key-name" name="name" autocomplete="off" bind:value=name
                            aria-invalid=move || name_error.get().is_some().then_some("true")
                            aria-describedby="account-key-name-error"/>
                        <p class="field-error" id="account-key-name-error">{move || name_error.get()}</p>
                    </div>
                    {match me.unavailable(Feature::ProvisioningApi) {
                        Some(why) => view! {
                            <p class="field-hint" id="create-key-unavailable">{why}</p>
                            <button type="submit" class="button button-primary" disabled=true
                                aria-describedby="create-key-unavailable">"Create key"</button>
                        }.into_any(),
                        None => view! { <button type="submit" class="button button-primary">"Create key"</button> }.into_any(),
                    }}
                </form>
            </section>
        </AreaGate>
    }
}

#[component]
fn NewKeySecret(secret: AccountKeySecret) -> impl IntoView {
    view! {
        <section class="panel secret-once" role="status" aria-labelledby="secret-title">
            <h2 id="secret-title">{format!("New key {}", secret.key.name)}</h2>
            <p>"Copy the secret now: the console keeps only its hash and can't show it again."</p>
            <dl>
                <dt>"Key"</dt>
                <dd><code>{secret.key.api_key.clone()}</code></dd>
                <dt>"Secret"</dt>
                <dd><code class="secret" aria-label="Secret">{secret.secret.clone()}</code></dd>
                <dt>"Environment variable"</dt>
                <dd><code class="secret">{format!("CLOUDINARY_ACCOUNT_URL={}", secret.account_url)}</code></dd>
            </dl>
        </section>
    }
}

#[component]
fn KeyTable(
    list: Vec<AccountApiKeySummary>,
    toggle: ServerAction<SetAccountApiKeyEnabled>,
    delete: ServerAction<DeleteAccountApiKey>,
) -> impl IntoView {
    let confirming = RwSignal::new(None::<String>);
    let rows = list
        .into_iter()
        .map(|k| {
            let (key, key2, key3) = (k.api_key.clone(), k.api_key.clone(), k.api_key.clone());
            let enabled = k.enabled;
            let toggle_label = format!("{} {}", if enabled { "Disable" } else { "Enable" }, k.name);
            let delete_label = format!("Delete {}", k.name);
            let confirm_label = format!("Delete {} now", k.name);
            let question = format!("Delete {}? Requests signed with it are refused at once.", k.name);
            let last_used = k.last_used_at.map_or("Never".to_string(), utc);
            view! {
                <tr>
                    <th scope="row">{k.name.clone()}</th>
                    <td><code>{k.api_key.clone()}</code></td>
                    <td><span class="status" class:status-active=enabled class:status-disabled=!enabled>
                        {if enabled { "Enabled" } else { "Disabled" }}
                    </span></td>
                    <td>{utc(k.created_at)}</td>
                    <td>{last_used}</td>
                    <td class="button-row">
                        <button type="button" class="button button-quiet"
                            on:click=move |_| { toggle.dispatch(SetAccountApiKeyEnabled { api_key: key.clone(), enabled: !enabled }); }>
                            {toggle_label}
                        </button>
                        {move || if confirming.get().as_deref() == Some(key2.as_str()) {
                            let key = key3.clone();
                            view! {
                                <span role="alertdialog" aria-label="Confirm delete" class="confirm">
                                    {question.clone()}
                                    <button type="button" class="button button-danger"
                                        on:click=move |_| { delete.dispatch(DeleteAccountApiKey { api_key: key.clone() }); confirming.set(None); }>
                                        {confirm_label.clone()}
                                    </button>
                                    <button type="button" class="button button-quiet" on:click=move |_| confirming.set(None)>"Keep it"</button>
                                </span>
                            }.into_any()
                        } else {
                            let key = key2.clone();
                            view! {
                                <button type="button" class="button button-quiet" on:click=move |_| confirming.set(Some(key.clone()))>
                                    {delete_label.clone()}
                                </button>
                            }.into_any()
                        }}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Account API keys"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
