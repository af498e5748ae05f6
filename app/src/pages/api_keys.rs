//! API keys of the active product environment (docs/rules/environments.md#api-keys): secrets
//! masked, revealed only after re-authentication; Generate, rename, enable/disable, dedicate for
//! webhooks and delete for `api_keys.manage`.

use crate::api::{active_api_keys, ChangeApiKey, DeleteApiKey, GenerateApiKey, RevealApiSecret};
use crate::components::environment_switcher::use_environments;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::environment::MASKED_SECRET;
use crate::domain::{
    ApiKeySummary, ApiScope, Area, EnvironmentSummary, Feature, KeySecret, Permission,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys"/>
        <AreaGate area=Area::ApiKeys>
            <h1>"API keys"</h1>
            <KeysOfActive/>
        </AreaGate>
    }
}

/// The keys of the active environment. The resources are made here, at the top of the
/// component (not inside a transition), so server and browser make them in one order.
#[component]
fn KeysOfActive() -> impl IntoView {
    let me = use_me();
    let ctx = use_environments();
    let generate = ServerAction::<GenerateApiKey>::new();
    let change = ServerAction::<ChangeApiKey>::new();
    let delete = ServerAction::<DeleteApiKey>::new();
    let reveal = ServerAction::<RevealApiSecret>::new();
    sign_in_again_on(generate.value());
    sign_in_again_on(change.value());
    sign_in_again_on(delete.value());
    sign_in_again_on(reveal.value());
    // The active environment comes with its keys in one server call, asked again when the
    // header's switcher changes it (its action's version).
    let keys = crate::components::data::data(
        move || {
            (
                ctx.select.version().get(),
                generate.version().get(),
                change.version().get(),
                delete.version().get(),
            )
        },
        |_| active_api_keys(),
    );
    let can_manage = me.can(Permission::ApiKeysManage);
    let shown = Signal::derive(move || reveal.value().get().and_then(|r| r.ok()));
    let wanted = RwSignal::new(None::<(String, String)>);
    let reauth = needs_reauth(reveal.value());
    let again = Callback::new(move |_| {
        if let Some((environment_id, api_key)) = wanted.get_untracked() {
            reveal.dispatch(RevealApiSecret {
                environment_id,
                api_key,
            });
        }
    });
    let problems = Signal::derive(move || {
        form_error(change.value())
            .get()
            .or_else(|| form_error(delete.value()).get())
    });
    view! {
        <FormStatus error=problems/>
        <ReauthPrompt needed=reauth on_done=again/>
        {move || shown.get().map(|s| view! { <SecretPanel secret=s title="API secret"/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                keys.get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(None) => view! { <Empty message="You don't have access to any product environment."/> }.into_any(),
                        Ok(Some((env, list))) => {
                            view! { <KeysTable env list can_manage change delete reveal wanted generate/> }.into_any()
                        }
                    })
            }}
        </Transition>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn KeysTable(
    env: EnvironmentSummary,
    list: Vec<ApiKeySummary>,
    can_manage: bool,
    change: ServerAction<ChangeApiKey>,
    delete: ServerAction<DeleteApiKey>,
    reveal: ServerAction<RevealApiSecret>,
    wanted: RwSignal<Option<(String, String)>>,
    generate: ServerAction<GenerateApiKey>,
) -> impl IntoView {
    let env_id = env.id.clone();
    view! {
        <p class="lead">{format!("Keys of {} ({}). Each key signs requests to the media platform.", env.name, env.cloud_name)}</p>
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"API keys"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"API key"</th>
                        <th scope="col">"API secret"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Permissions"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {list
                        .into_iter()
                        .map(|k| view! { <KeyRow key=k env_id=env_id.clone() can_manage change delete reveal wanted/> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {can_manage.then(|| view! { <GenerateKey env_id=env.id.clone() generate/> })}
    }
}

#[component]
fn KeyRow(
    key: ApiKeySummary,
    env_id: String,
    can_manage: bool,
    change: ServerAction<ChangeApiKey>,
    delete: ServerAction<DeleteApiKey>,
    reveal: ServerAction<RevealApiSecret>,
    wanted: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let status = if key.enabled { "Enabled" } else { "Disabled" };
    let (k, e) = (key.api_key.clone(), env_id.clone());
    let on_reveal = move |_| {
        wanted.set(Some((e.clone(), k.clone())));
        reveal.dispatch(RevealApiSecret {
            environment_id: e.clone(),
            api_key: k.clone(),
        });
    };
    let act = {
        let (env_id, api_key) = (env_id.clone(), key.api_key.clone());
        move |what: &'static str| {
            let (env_id, api_key) = (env_id.clone(), api_key.clone());
            move |_| {
                change.dispatch(ChangeApiKey {
                    environment_id: env_id.clone(),
                    api_key: api_key.clone(),
                    change: what.to_string(),
                    name: String::new(),
                    permission_mode: String::new(),
                    scopes: Vec::new(),
                });
            }
        }
    };
    let manage = can_manage.then(|| {
        let toggle = if key.enabled { "disable" } else { "enable" };
        let (env_id, api_key) = (env_id.clone(), key.api_key.clone());
        view! {
            <button type="button" class="button button-small" aria-label=format!("{} {}", if key.enabled { "Disable" } else { "Enable" }, key.name) on:click=act(toggle)>
                {if key.enabled { "Disable" } else { "Enable" }}
            </button>
            {(!key.dedicated_for_webhooks)
                .then(|| view! {
                    <button type="button" class="button button-small" aria-label=format!("Dedicate for webhooks: {}", key.name) on:click=act("dedicate_webhooks")>
                        "Dedicate for webhooks"
                    </button>
                })}
            <button
                type="button"
                class="button button-small"
                aria-label=format!("Delete {}", key.name)
                on:click=move |_| {
                    delete.dispatch(DeleteApiKey { environment_id: env_id.clone(), api_key: api_key.clone() });
                }
            >
                "Delete"
            </button>
        }
    });
    view! {
        <tr>
            <td>
                {key.name.clone()}
                {key.root.then(|| view! { <span class="badge">"Root"</span> })}
                {key.dedicated_for_webhooks.then(|| view! { <span class="badge">"Webhooks"</span> })}
            </td>
            <td><code>{key.api_key.clone()}</code></td>
            <td>
                <span class="secret" aria-label="Secret hidden">{MASKED_SECRET}</span>
                " "
                <button type="button" class="button button-small" aria-label=format!("Reveal the secret of {}", key.name) on:click=on_reveal>
                    "Reveal"
                </button>
            </td>
            <td>{status}</td>
            <td>{key.permissions.label()}</td>
            <td>{crate::components::time::utc(key.created_at)}</td>
            <td class="button-row">{manage}</td>
        </tr>
    }
}

/// A secret on screen: shown at creation, or after a reveal.
#[component]
fn SecretPanel(secret: KeySecret, title: &'static str) -> impl IntoView {
    view! {
        <section class="panel secret-once" role="status" aria-labelledby="secret-title">
            <h2 id="secret-title">{format!("{title} of {}", secret.key.name)}</h2>
            <p>"Copy it now. Showing it again needs your password."</p>
            <dl>
                <dt>"API key"</dt>
                <dd><code>{secret.key.api_key.clone()}</code></dd>
                <dt>"API secret"</dt>
                <dd><code class="secret" aria-label="API secret">{secret.api_secret.clone()}</code></dd>
                <dt>"Environment variable"</dt>
                <dd><code class="secret">{format!("CLOUDINARY_URL={}", secret.cloudinary_url)}</code></dd>
            </dl>
        </section>
    }
}

#[component]
fn GenerateKey(env_id: String, generate: ServerAction<GenerateApiKey>) -> impl IntoView {
    let value = generate.value();
    let unavailable = use_me().unavailable(Feature::GranularApiKeyPermissions);
    let created = Signal::derive(move || value.get().and_then(|r| r.ok()));
    let restricted = RwSignal::new(false);
    view! {
        {move || created.get().map(|s| view! { <SecretPanel secret=s title="New key"/> })}
        <section class="panel" aria-labelledby="generate-title">
            <h2 id="generate-title">"Generate an API key"</h2>
            <ActionForm action=generate attr:novalidate=true attr:aria-label="Generate an API key">
                <input type="hidden" name="environment_id" value=env_id/>
                <Field label="Key name" name="name" hint="Optional; unique in this environment." error=field_error(value, "name")/>
                <div class="choice">
                    <input type="checkbox" id="key-enabled" name="enabled" checked=true/>
                    <label for="key-enabled">"Enabled"</label>
                </div>
                <fieldset class="choice-group choice-list">
                    <legend>"Permissions"</legend>
                    <div class="choice">
                        <input type="radio" id="perm-full" name="permission_mode" value="full" checked=true on:change=move |_| restricted.set(false)/>
                        <label for="perm-full">"Full access"</label>
                    </div>
                    <div class="choice">
                        <input type="radio" id="perm-restricted" name="permission_mode" value="restricted"
                            disabled=unavailable.is_some() on:change=move |_| restricted.set(true)/>
                        <label for="perm-restricted">"Restricted to"</label>
                        {unavailable.clone().map(|why| view! { <span class="field-hint">{why}</span> })}
                    </div>
                    {move || restricted.get().then(|| {
                        ApiScope::ALL
                            .into_iter()
                            .enumerate()
                            .map(|(i, s)| {
                                let id = format!("scope-{}", s.as_str());
                                view! {
                                    <div class="choice">
                                        <input type="checkbox" id=id.clone() name=format!("scopes[{i}]") value=s.as_str()/>
                                        <label for=id>{s.label()}</label>
                                    </div>
                                }
                            })
                            .collect_view()
                    })}
                </fieldset>
                <p class="field-error" role="alert">{move || field_error(value, "permissions").get()}</p>
                <FormStatus error=form_error(value)/>
                <button type="submit" class="button button-primary">"Generate API key"</button>
            </ActionForm>
        </section>
    }
}
