//! SCIM provisioning (docs/rules/scim.md#defaults): where identity providers connect, the
//! bearer tokens they use (created re-authenticated and shown once, deleted), the role and
//! product environments of the users SCIM creates, and the roles user groups give. Master
//! admins only.

use crate::api::{
    get_scim_settings, CreateScimToken, DeleteScimToken, RemoveScimGroupRole, SaveScimDefaults,
    SaveScimGroupRole,
};
use crate::components::form::{field_error, form_error};
use crate::components::layout::{sign_in_again_on, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::scim_group_roles::{GroupRoles, ScimAccessFields};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::format::utc;
use crate::domain::scim_settings::{ScimAccess, ScimTokenSecret, ScimTokenSummary};
use crate::domain::Area;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ScimPage() -> impl IntoView {
    let create = ServerAction::<CreateScimToken>::new();
    let delete = ServerAction::<DeleteScimToken>::new();
    let defaults = ServerAction::<SaveScimDefaults>::new();
    let set_role = ServerAction::<SaveScimGroupRole>::new();
    let remove_role = ServerAction::<RemoveScimGroupRole>::new();
    sign_in_again_on(create.value());
    sign_in_again_on(delete.value());
    sign_in_again_on(defaults.value());
    sign_in_again_on(set_role.value());
    sign_in_again_on(remove_role.value());
    // The token's name outlives the list's reloads (a re-authentication asked for reloads it).
    let name = RwSignal::new(String::new());
    let settings = crate::components::data::data(
        move || {
            (
                create.version().get(),
                delete.version().get(),
                defaults.version().get(),
                set_role.version().get(),
                remove_role.version().get(),
            )
        },
        |_| get_scim_settings(),
    );
    view! {
        <Title text="SCIM provisioning"/>
        <AreaGate area=Area::Scim>
            <h1>"SCIM provisioning"</h1>
            <p class="lead">"Identity providers (Okta, Entra ID, …) create, update and deprovision users and groups over SCIM 2.0. A token acts as an Admin: it never reaches Master admins."</p>
            <Transition fallback=|| view! { <Loading/> }>
                {move || settings.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) => view! {
                        <p>"SCIM base URL: "<code>{s.base_url.clone()}</code></p>
                        <Tokens list=s.tokens create delete name/>
                        <Defaults current=s.defaults action=defaults/>
                        <GroupRoles list=s.group_roles set_role remove_role/>
                    }.into_any(),
                })}
            </Transition>
        </AreaGate>
    }
}

#[component]
fn Tokens(
    list: Vec<ScimTokenSummary>,
    create: ServerAction<CreateScimToken>,
    delete: ServerAction<DeleteScimToken>,
    name: RwSignal<String>,
) -> impl IntoView {
    let submit = move || {
        create.dispatch(CreateScimToken {
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
            .or_else(|| form_error(delete.value()).get())
    });
    view! {
        <section class="panel" aria-labelledby="scim-tokens-title">
            <h2 id="scim-tokens-title">"Tokens"</h2>
            <FormStatus error=problems/>
            <ReauthPrompt needed=reauth on_done=again/>
            {move || created.get().map(|s| view! { <NewToken secret=s/> })}
            {if list.is_empty() {
                view! { <Empty message="No SCIM tokens yet."/> }.into_any()
            } else {
                view! { <TokenTable list delete/> }.into_any()
            }}
            <form aria-label="Create a SCIM token" novalidate=true
                on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="field" class:field-invalid=move || name_error.get().is_some()>
                    <label for="scim-token-name">"Token name"</label>
                    <input id="scim-token-name" name="name" autocomplete="off" bind:value=name
                        aria-invalid=move || name_error.get().is_some().then_some("true")
                        aria-describedby="scim-token-name-error"/>
                    <p class="field-error" id="scim-token-name-error">{move || name_error.get()}</p>
                </div>
                <button type="submit" class="button button-primary">"Create token"</button>
            </form>
        </section>
    }
}

#[component]
fn NewToken(secret: ScimTokenSecret) -> impl IntoView {
    view! {
        <section class="panel secret-once" role="status" aria-labelledby="scim-secret-title">
            <h3 id="scim-secret-title">{format!("New token {}", secret.token.name)}</h3>
            <p>"Copy the token into your identity provider now: the console keeps only its hash and can't show it again."</p>
            <code class="secret" aria-label="SCIM token">{secret.bearer.clone()}</code>
        </section>
    }
}

#[component]
fn TokenTable(list: Vec<ScimTokenSummary>, delete: ServerAction<DeleteScimToken>) -> impl IntoView {
    let confirming = RwSignal::new(None::<String>);
    let rows = list
        .into_iter()
        .map(|t| {
            let (id, id2) = (t.id.clone(), t.id.clone());
            let delete_label = format!("Delete {}", t.name);
            let confirm_label = format!("Delete {} now", t.name);
            let question = format!("Delete {}? Requests bearing it are refused at once.", t.name);
            let last_used = t.last_used_at.map_or("Never".to_string(), utc);
            view! {
                <tr>
                    <th scope="row">{t.name.clone()}</th>
                    <td>{utc(t.created_at)}</td>
                    <td>{last_used}</td>
                    <td class="button-row">
                        {move || if confirming.get().as_deref() == Some(id.as_str()) {
                            let id = id2.clone();
                            view! {
                                <span role="alertdialog" aria-label="Confirm delete" class="confirm">
                                    {question.clone()}
                                    <button type="button" class="button button-danger"
                                        on:click=move |_| { delete.dispatch(DeleteScimToken { id: id.clone() }); confirming.set(None); }>
                                        {confirm_label.clone()}
                                    </button>
                                    <button type="button" class="button button-quiet" on:click=move |_| confirming.set(None)>"Keep it"</button>
                                </span>
                            }.into_any()
                        } else {
                            let id = id2.clone();
                            view! {
                                <button type="button" class="button button-quiet" on:click=move |_| confirming.set(Some(id.clone()))>
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
                <caption class="visually-hidden">"SCIM tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
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

#[component]
fn Defaults(current: ScimAccess, action: ServerAction<SaveScimDefaults>) -> impl IntoView {
    let value = action.value();
    let done = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "SCIM defaults saved.".to_string())
    });
    view! {
        <section class="panel" aria-labelledby="scim-defaults-title">
            <h2 id="scim-defaults-title">"New users"</h2>
            <p class="field-hint">"The role and product environments of users SCIM creates, until a group role gives them others."</p>
            <ActionForm action attr:novalidate=true attr:aria-label="SCIM defaults">
                <ScimAccessFields role_id="scim-default-role" environments_id="scim-default-env"
                    initial=current
                    role_error=field_error(value, "role") environments_error=field_error(value, "environments")/>
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Save defaults"</button>
            </ActionForm>
        </section>
    }
}
