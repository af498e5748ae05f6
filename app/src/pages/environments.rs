//! Product environments (docs/rules/environments.md#product-environments): the list for everyone
//! who reaches them, and Add, Edit, Disable/Enable and Delete for `environments.manage`.

use crate::api::{CreateEnvironment, DeleteEnvironment, SetEnvironmentEnabled, UpdateEnvironment};
use crate::components::environment_switcher::use_environments;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::{environment, Area, EnvironmentSummary, Permission};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn EnvironmentsPage() -> impl IntoView {
    view! {
        <Title text="Product environments"/>
        <AreaGate area=Area::ProductEnvironments>
            <Environments/>
        </AreaGate>
    }
}

/// What the page is doing to one environment, if anything.
#[derive(Clone, PartialEq)]
enum Editing {
    Edit(EnvironmentSummary),
    Delete(EnvironmentSummary),
}

#[component]
fn Environments() -> impl IntoView {
    let me = use_me();
    let ctx = use_environments();
    let create = ServerAction::<CreateEnvironment>::new();
    let update = ServerAction::<UpdateEnvironment>::new();
    let enable = ServerAction::<SetEnvironmentEnabled>::new();
    let delete = ServerAction::<DeleteEnvironment>::new();
    sign_in_again_on(create.value());
    sign_in_again_on(update.value());
    sign_in_again_on(enable.value());
    sign_in_again_on(delete.value());
    let editing = RwSignal::new(None::<Editing>);
    // Any change reloads the list (and the header's switcher).
    Effect::new(move |_| {
        let changed = [
            create.value().with(|v| matches!(v, Some(Ok(_)))),
            update.value().with(|v| matches!(v, Some(Ok(_)))),
            enable.value().with(|v| matches!(v, Some(Ok(_)))),
            delete.value().with(|v| matches!(v, Some(Ok(_)))),
        ];
        if changed.contains(&true) {
            ctx.list.refetch();
        }
    });
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_)))
            || matches!(delete.value().get(), Some(Ok(_)))
        {
            editing.set(None);
        }
    });
    let can_manage = me.can(Permission::EnvironmentsManage);
    let can_add = environment::may_add_or_delete(me.role, &me.environments);
    let enable_error = form_error(enable.value());
    view! {
        <h1>"Product environments"</h1>
        <p class="lead">"Each product environment has its own cloud name, API keys and settings."</p>
        <FormStatus error=enable_error/>
        {move || editing.get().map(|e| match e {
            Editing::Edit(env) => view! { <EditEnvironment env update editing/> }.into_any(),
            Editing::Delete(env) => view! { <DeleteEnvironmentPanel env delete editing/> }.into_any(),
        })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                ctx.list
                    .get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(envs) if envs.environments.is_empty() => {
                            view! { <Empty message="You don't have access to any product environment."/> }.into_any()
                        }
                        Ok(envs) => {
                            view! {
                                <div class="table-wrap">
                                    <table class="table">
                                        <caption class="visually-hidden">"Product environments"</caption>
                                        <thead>
                                            <tr>
                                                <th scope="col">"Name"</th>
                                                <th scope="col">"Cloud name"</th>
                                                <th scope="col">"Status"</th>
                                                <th scope="col">"API keys"</th>
                                                <th scope="col">"Assets"</th>
                                                {can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {envs
                                                .environments
                                                .into_iter()
                                                .map(|e| view! { <EnvironmentRow env=e can_manage can_delete=can_add enable editing/> })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                            }
                                .into_any()
                        }
                    })
            }}
        </Transition>
        {can_add.then(|| view! {
            <Transition fallback=|| ()>
                {move || ctx.list.get().map(|r| {
                    let sources = r.map(|e| e.environments).unwrap_or_default();
                    view! { <AddEnvironment create sources/> }
                })}
            </Transition>
        })}
    }
}

#[component]
fn EnvironmentRow(
    env: EnvironmentSummary,
    can_manage: bool,
    can_delete: bool,
    enable: ServerAction<SetEnvironmentEnabled>,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let status = if env.enabled { "Enabled" } else { "Disabled" };
    let assets = env
        .asset_count
        .map(|n| n.to_string())
        .unwrap_or_else(|| "Not reported yet".into());
    let actions = can_manage.then(|| {
        let (e1, e2) = (env.clone(), env.clone());
        let id = env.id.clone();
        let enabled = env.enabled;
        let label = format!("{} {}", if enabled { "Disable" } else { "Enable" }, env.name);
        view! {
            <td class="button-row">
                <button type="button" class="button button-small" aria-label=format!("Edit {}", env.name) on:click=move |_| editing.set(Some(Editing::Edit(e1.clone())))>
                    "Edit"
                </button>
                <button
                    type="button"
                    class="button button-small"
                    aria-label=label
                    on:click=move |_| {
                        enable.dispatch(SetEnvironmentEnabled { id: id.clone(), enabled: (!enabled).to_string() });
                    }
                >
                    {if enabled { "Disable" } else { "Enable" }}
                </button>
                {can_delete
                    .then(|| {
                        view! {
                            <button type="button" class="button button-small" aria-label=format!("Delete {}", e2.name) on:click=move |_| editing.set(Some(Editing::Delete(e2.clone())))>
                                "Delete"
                            </button>
                        }
                    })}
            </td>
        }
    });
    view! {
        <tr>
            <td>{env.name.clone()}</td>
            <td><code>{env.cloud_name.clone()}</code></td>
            <td><span class=if env.enabled { "status status-active" } else { "status status-disabled" }>{status}</span></td>
            <td>{env.key_count}</td>
            <td>{assets}</td>
            {actions}
        </tr>
    }
}

#[component]
fn AddEnvironment(
    create: ServerAction<CreateEnvironment>,
    /// The environments whose settings a new one may start with.
    sources: Vec<EnvironmentSummary>,
) -> impl IntoView {
    let value = create.value();
    let done = Signal::derive(move || {
        value.get().and_then(|r| r.ok()).map(|e| {
            format!(
                "Added {} (cloud name {}), with one API key named Root.",
                e.name, e.cloud_name
            )
        })
    });
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    view! {
        <section class="panel" aria-labelledby="add-env-title">
            <h2 id="add-env-title">"Add a product environment"</h2>
            <ActionForm action=create node_ref=form attr:novalidate=true attr:aria-label="Add a product environment">
                <Field label="Name" name="name" required=true error=field_error(value, "name")/>
                <Field
                    label="Cloud name"
                    name="cloud_name"
                    hint="3–64 of a-z, 0-9, _ and -, starting with a letter. Leave empty to generate one."
                    error=field_error(value, "cloud_name")
                />
                <div class="field" class:field-invalid=move || field_error(value, "copy_settings_from").get().is_some()>
                    <label for="field-copy-settings-from">"Copy settings from"</label>
                    <p class="field-hint" id="field-copy-settings-from-hint">
                        "Upload, Backup, Optimization, Webhook notifications and Security settings; not keys, access or users."
                    </p>
                    <select id="field-copy-settings-from" name="copy_settings_from" aria-describedby="field-copy-settings-from-hint field-copy-settings-from-error">
                        <option value="">"Don't copy (defaults)"</option>
                        {sources.into_iter().map(|e| view! { <option value=e.id.clone()>{format!("{} ({})", e.name, e.cloud_name)}</option> }).collect_view()}
                    </select>
                    <p class="field-error" id="field-copy-settings-from-error">{move || field_error(value, "copy_settings_from").get()}</p>
                </div>
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Add product environment"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn EditEnvironment(
    env: EnvironmentSummary,
    update: ServerAction<UpdateEnvironment>,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let value = update.value();
    let text = |s: String| Signal::derive(move || s.clone());
    let title = format!("Edit {}", env.name);
    view! {
        <section class="panel confirm" aria-labelledby="edit-env-title">
            <h2 id="edit-env-title">{title.clone()}</h2>
            <ActionForm action=update attr:novalidate=true attr:aria-label=title>
                <input type="hidden" name="id" value=env.id.clone()/>
                <Field label="Name" name="name" required=true value=text(env.name.clone()) error=field_error(value, "name")/>
                <Field
                    label="Cloud name"
                    name="cloud_name"
                    required=true
                    value=text(env.cloud_name.clone())
                    hint="Can change only while the environment has fewer than 1000 assets."
                    error=field_error(value, "cloud_name")
                />
                <Field label="Description" name="description" value=text(env.description.clone()) error=field_error(value, "description")/>
                <Field
                    label="Custom attributes"
                    name="custom_attributes"
                    value=text(env.custom_attributes.clone())
                    hint="A JSON object, at most 8 KB."
                    error=field_error(value, "custom_attributes")
                />
                <FormStatus error=form_error(value)/>
                <div class="button-row">
                    <button type="submit" class="button button-primary">"Save changes"</button>
                    <button type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteEnvironmentPanel(
    env: EnvironmentSummary,
    delete: ServerAction<DeleteEnvironment>,
    editing: RwSignal<Option<Editing>>,
) -> impl IntoView {
    let value = delete.value();
    let reauth = needs_reauth(value);
    let typed = RwSignal::new(String::new());
    let id = env.id.clone();
    let again = Callback::new(move |_| {
        delete.dispatch(DeleteEnvironment {
            id: id.clone(),
            confirm_cloud_name: typed.get_untracked(),
        });
    });
    let id = env.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        delete.dispatch(DeleteEnvironment {
            id: id.clone(),
            confirm_cloud_name: typed.get_untracked(),
        });
    };
    let error = field_error(value, "confirm_cloud_name");
    let general = Signal::derive(move || {
        if reauth.get() {
            None
        } else {
            form_error(value).get()
        }
    });
    view! {
        <section class="panel confirm" role="alertdialog" aria-labelledby="delete-env-title" aria-describedby="delete-env-text">
            <h2 id="delete-env-title">{format!("Delete {}?", env.name)}</h2>
            <p id="delete-env-text">
                "Its API keys stop working at once and everything shared in it is removed. This can't be undone."
            </p>
            <form on:submit=submit novalidate=true aria-label="Delete product environment">
                <div class="field" class:field-invalid=move || error.get().is_some()>
                    <label for="confirm-cloud-name">{format!("Type the cloud name ({}) to confirm", env.cloud_name)}</label>
                    <input
                        id="confirm-cloud-name"
                        name="confirm_cloud_name"
                        autocomplete="off"
                        on:input=move |ev| typed.set(event_target_value(&ev))
                        prop:value=move || typed.get()
                        aria-invalid=move || error.get().is_some().then_some("true")
                        aria-describedby="confirm-cloud-name-error"
                    />
                    <p class="field-error" id="confirm-cloud-name-error">{move || error.get()}</p>
                </div>
                <FormStatus error=general/>
                <div class="button-row">
                    <button type="submit" class="button button-danger">"Delete product environment"</button>
                    <button type="button" class="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                </div>
            </form>
            <ReauthPrompt needed=reauth on_done=again/>
        </section>
    }
}
