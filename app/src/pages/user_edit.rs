//! Edit one user (`users.manage`): name, email, role and product environment access,
//! under the rules of docs/rules/roles.md#grant-rules.

use crate::api::{get_user, EditUser, UserDetail};
use crate::components::add_users::{AccessChoice, MediaLibraryOptionsFields};
use crate::components::environment_access::AccessForm;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::{Area, Role, UserAction};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn UserEditPage() -> impl IntoView {
    view! {
        <Title text="Edit user"/>
        <AreaGate area=Area::Users>
            <UserEditor/>
        </AreaGate>
    }
}

#[component]
fn UserEditor() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let edit = ServerAction::<EditUser>::new();
    sign_in_again_on(edit.value());
    let detail =
        crate::components::data::data(move || (id(), edit.version().get()), |(id, _)| get_user(id));
    view! {
        <p><a href="/users">"← Users"</a></p>
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                detail
                    .get()
                    .map(|r| match r {
                        Err(e) => view! { <h1>"User"</h1> <ErrorNotice error=e/> }.into_any(),
                        Ok(d) => view! { <EditForm detail=d edit/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn EditForm(detail: UserDetail, edit: ServerAction<EditUser>) -> impl IntoView {
    let me = use_me();
    let value = edit.value();
    let saved = Signal::derive(move || {
        value
            .get()
            .and_then(|r| r.ok())
            .map(|_| "Changes saved".to_string())
    });
    let user = detail.user;
    let heading = user.display_name().to_string();
    let status = format!("{} · {}", user.status.label(), user.role.console_name());
    if !detail.actions.contains(&UserAction::Edit) {
        return view! {
            <h1>{heading}</h1>
            <p class="lead">{status}</p>
            <div class="state state-error" role="alert">
                <p>
                    {if user.id == me.user_id {
                        "Change your own details in My Profile.".to_string()
                    } else {
                        format!(
                            "You can't edit this user: your role ({}) can't act on a {} with this status.",
                            me.role.console_name(),
                            user.role.console_name(),
                        )
                    }}
                </p>
            </div>
        }
        .into_any();
    }
    let role_error = field_error(value, "role");
    let editing_self = user.id == me.user_id;
    let current_role = user.role;
    let chosen = RwSignal::new(current_role);
    let name = Signal::derive({
        let n = user.name.clone().unwrap_or_default();
        move || n.clone()
    });
    let email = Signal::derive({
        let e = user.email.clone();
        move || e.clone()
    });
    view! {
        <h1>{heading}</h1>
        <p class="lead">{status}</p>
        <section class="panel" aria-labelledby="edit-title">
            <h2 id="edit-title">"Details"</h2>
            <ActionForm action=edit attr:novalidate=true attr:aria-label="Edit user">
                <input type="hidden" name="id" value=user.id.clone()/>
                <Field label="Name" name="name" autocomplete="off" value=name error=field_error(value, "name")/>
                {if editing_self {
                    // One's own email changes only in My Profile (confirmed by a link there).
                    view! {
                        <p class="field-hint">"Email: " {user.email.clone()} " — change your own email in My Profile."</p>
                        <input type="hidden" name="email" value=user.email.clone()/>
                    }.into_any()
                } else {
                    view! {
                        <Field
                            label="Email"
                            name="email"
                            kind="email"
                            required=true
                            value=email
                            hint="A change applies at once, voids the user's open links and notifies the old address."
                            error=field_error(value, "email")
                        />
                    }.into_any()
                }}
                <div class="field" class:field-invalid=move || role_error.get().is_some()>
                    <label for="edit-role">"Role"</label>
                    {editing_self.then(|| view! { <p class="field-hint" id="edit-role-hint">"You can't change your own role."</p> })}
                    <select
                        id="edit-role"
                        name="role"
                        disabled=editing_self
                        aria-describedby="edit-role-error"
                        on:change=move |ev| {
                            if let Some(r) = Role::from_api_str(&event_target_value(&ev)) {
                                chosen.set(r);
                            }
                        }
                    >
                        {me.role
                            .grantable()
                            .map(|r| view! { <option value=r.api_str() selected=r == current_role>{r.console_name()}</option> })
                            .collect_view()}
                    </select>
                    {editing_self.then(|| view! { <input type="hidden" name="role" value=current_role.api_str()/> })}
                    <p class="field-error" id="edit-role-error">{move || role_error.get()}</p>
                </div>
                <MediaLibraryOptionsFields role=chosen initial=user.media_library/>
                {if editing_self {
                    view! { <p class="field-hint">"Product environments: " {user.environments.label()} " (you can't change your own)."</p> }.into_any()
                } else {
                    view! { <AccessChoice role=chosen granter=me.clone() form=AccessForm::Edit initial=user.environments.clone()/> }.into_any()
                }}
                <p class="field-error" role="alert">{move || field_error(value, "environments").get()}</p>
                <FormStatus error=form_error(value) success=saved/>
                <button type="submit" class="button button-primary">"Save changes"</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
