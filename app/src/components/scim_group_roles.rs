//! The SCIM page's group roles (docs/rules/scim.md#defaults): which user groups give their
//! members a role and product environments — listed, set and removed.

use crate::api::{list_groups, RemoveScimGroupRole, SaveScimGroupRole};
use crate::components::add_users::AccessChoice;
use crate::components::environment_access::AccessForm;
use crate::components::form::{field_error, form_error};
use crate::components::layout::use_me;
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::domain::scim_settings::{grantable, ScimAccess, ScimGroupRole};
use crate::domain::Role;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn GroupRoles(
    list: Vec<ScimGroupRole>,
    set_role: ServerAction<SaveScimGroupRole>,
    remove_role: ServerAction<RemoveScimGroupRole>,
) -> impl IntoView {
    let value = set_role.value();
    let done = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Group role saved.".to_string())
    });
    let groups = crate::components::data::data(|| (), |_| list_groups());
    view! {
        <section class="panel" aria-labelledby="scim-group-roles-title">
            <h2 id="scim-group-roles-title">"Group roles"</h2>
            <p class="field-hint">"Members of these groups get the role and product environments beside them when SCIM adds them (the strongest role of their groups, every environment any gives); leaving every such group, the defaults above. Saving applies it to the group's members now. Master admins are never changed."</p>
            <FormStatus error=form_error(remove_role.value())/>
            {if list.is_empty() {
                view! { <Empty message="No group gives a role yet."/> }.into_any()
            } else {
                view! { <GroupRoleTable list remove_role/> }.into_any()
            }}
            <ActionForm action=set_role attr:novalidate=true attr:aria-label="Give a group a role">
                <Transition fallback=|| view! { <Loading/> }>
                    {move || groups.get().map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(list) => view! {
                            <div class="field" class:field-invalid=move || field_error(value, "group_id").get().is_some()>
                                <label for="scim-group">"User group"</label>
                                <select id="scim-group" name="group_id" aria-describedby="scim-group-error">
                                    {list.into_iter().map(|g| view! { <option value=g.id.clone()>{g.name.clone()}</option> }).collect_view()}
                                </select>
                                <p class="field-error" id="scim-group-error">{move || field_error(value, "group_id").get()}</p>
                            </div>
                        }.into_any(),
                    })}
                </Transition>
                <ScimAccessFields role_id="scim-group-role" environments_id="scim-group-env"
                    initial=ScimAccess::default()
                    role_error=field_error(value, "role") environments_error=field_error(value, "environments")/>
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Save group role"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn GroupRoleTable(
    list: Vec<ScimGroupRole>,
    remove_role: ServerAction<RemoveScimGroupRole>,
) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|g| {
            let id = g.group_id.clone();
            let label = format!("Remove the role of {}", g.group_name);
            view! {
                <tr>
                    <th scope="row">{g.group_name.clone()}</th>
                    <td>{g.access.role.console_name()}</td>
                    <td>{g.access.environments.label()}</td>
                    <td class="button-row">
                        <button type="button" class="button button-quiet"
                            on:click=move |_| { remove_role.dispatch(RemoveScimGroupRole { group_id: id.clone() }); }>
                            {label}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Group roles"</caption>
                <thead>
                    <tr>
                        <th scope="col">"User group"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Product environments"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// A role and product environments on the SCIM page: the roles a token may give, then the
/// environment choice; each field's error beside it.
#[component]
pub fn ScimAccessFields(
    /// The role select's id.
    role_id: &'static str,
    /// Starts the environment checkboxes' ids.
    environments_id: &'static str,
    initial: ScimAccess,
    #[prop(into)] role_error: Signal<Option<String>>,
    #[prop(into)] environments_error: Signal<Option<String>>,
) -> impl IntoView {
    let me = use_me();
    let chosen = RwSignal::new(initial.role);
    let error_id = format!("{role_id}-error");
    view! {
        <div class="field" class:field-invalid=move || role_error.get().is_some()>
            <label for=role_id>"Role"</label>
            <select id=role_id name="role" aria-describedby=error_id.clone()
                on:change=move |ev| {
                    if let Some(r) = Role::from_api_str(&event_target_value(&ev)) {
                        chosen.set(r);
                    }
                }>
                {Role::ALL
                    .into_iter()
                    .filter(|r| grantable(*r))
                    .map(|r| view! { <option value=r.api_str() selected=r == initial.role>{r.console_name()}</option> })
                    .collect_view()}
            </select>
            <p class="field-error" id=error_id>{move || role_error.get()}</p>
        </div>
        <AccessChoice role=chosen granter=me form=AccessForm::Add initial=initial.environments id_prefix=environments_id/>
        <p class="field-error" role="alert">{move || environments_error.get()}</p>
    }
}
