//! Add users (docs/rules/users.md#user-management): up to five emails sharing one role and one
//! access.

use crate::api::{list_groups, AddUsers};
use crate::components::environment_access::{AccessForm, EnvironmentAccessFields};
use crate::components::environment_switcher::use_environments;
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::user::MAX_EMAILS_PER_INVITE;
use crate::domain::{EnvironmentAccess, Me, MediaLibraryOptions, Role};
use leptos::form::ActionForm;
use leptos::prelude::*;

const EMAIL_FIELDS: [&str; MAX_EMAILS_PER_INVITE] = [
    "emails[0]",
    "emails[1]",
    "emails[2]",
    "emails[3]",
    "emails[4]",
];
const EMAIL_LABELS: [&str; MAX_EMAILS_PER_INVITE] =
    ["Email 1", "Email 2", "Email 3", "Email 4", "Email 5"];

#[component]
pub fn AddUsersForm(action: ServerAction<AddUsers>, granter: Me) -> impl IntoView {
    let value = action.value();
    let done = Signal::derive(move || match value.get() {
        Some(Ok(ids)) => Some(format!(
            "Invited {} user{}. They'll get an email to set their password.",
            ids.len(),
            if ids.len() == 1 { "" } else { "s" }
        )),
        _ => None,
    });
    // After a successful invite the form starts empty again.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(f) = form.get() {
                f.reset();
            }
        }
    });
    let all_field_error = field_error(value, "emails");
    let role_error = field_error(value, "role");
    let chosen = RwSignal::new(Role::MediaLibraryUser);
    view! {
        <section class="panel" aria-labelledby="add-users-title">
            <h2 id="add-users-title">"Add users"</h2>
            <p class="field-hint">"Up to five people with the same role. Each gets an invitation email."</p>
            <ActionForm action node_ref=form attr:novalidate=true attr:aria-label="Add users">
                {EMAIL_FIELDS
                    .iter()
                    .zip(EMAIL_LABELS)
                    .map(|(name, label)| view! { <Field label name kind="email" error=field_error(value, name)/> })
                    .collect_view()}
                <p class="field-error" role="alert">{move || all_field_error.get()}</p>
                <div class="field" class:field-invalid=move || role_error.get().is_some()>
                    <label for="add-role">"Role"</label>
                    <select
                        id="add-role"
                        name="role"
                        aria-describedby="add-role-error"
                        on:change=move |ev| {
                            if let Some(r) = Role::from_api_str(&event_target_value(&ev)) {
                                chosen.set(r);
                            }
                        }
                    >
                        {granter
                            .role
                            .grantable()
                            .map(|r| view! { <option value=r.api_str() selected=r == Role::MediaLibraryUser>{r.console_name()}</option> })
                            .collect_view()}
                    </select>
                    <p class="field-error" id="add-role-error">{move || role_error.get()}</p>
                </div>
                <MediaLibraryOptionsFields role=chosen initial=MediaLibraryOptions::default()/>
                <GroupsToJoin role=chosen/>
                <p class="field-error" role="alert">{move || field_error(value, "groups").get()}</p>
                <AccessChoice role=chosen granter=granter.clone() form=AccessForm::Add initial=EnvironmentAccess::All/>
                {granter.account_saml.then(|| view! {
                    <input type="hidden" name="invitation_choice" value="shown"/>
                    <div class="choice">
                        <input type="checkbox" id="add-send-invitation" name="send_invitation" checked=true
                            aria-describedby="add-send-invitation-hint"/>
                        <label for="add-send-invitation">"Send invitation email"</label>
                        <p class="field-hint" id="add-send-invitation-hint">
                            "Invites them to set a console password. Unticked, they're told to sign in with SSO and stay pending until they do."
                        </p>
                    </div>
                })}
                <p class="field-error" role="alert">{move || field_error(value, "environments").get()}</p>
                <FormStatus error=form_error(value) success=done/>
                <button type="submit" class="button button-primary">"Add users"</button>
            </ActionForm>
        </section>
    }
}

/// The environment-access choice with the environments the granter may give, once they
/// have loaded.
#[component]
pub fn AccessChoice(
    #[prop(into)] role: Signal<Role>,
    granter: Me,
    form: AccessForm,
    initial: EnvironmentAccess,
    /// Starts the checkboxes' ids (two choices on one page).
    #[prop(default = "env")]
    id_prefix: &'static str,
) -> impl IntoView {
    let environments = use_environments().list;
    let may_give_all = granter.environments == EnvironmentAccess::All;
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {let initial = initial.clone(); move || environments.get().map(|r| match r {
                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                Ok(envs) => view! {
                    <EnvironmentAccessFields role offered=envs.environments may_give_all initial=initial.clone() form id_prefix/>
                }.into_any(),
            })}
        </Transition>
    }
}

/// Groups a new Media Library user joins, picked from the account's groups.
#[component]
fn GroupsToJoin(#[prop(into)] role: Signal<Role>) -> impl IntoView {
    let groups = crate::components::data::data(|| (), |_| list_groups());
    move || {
        (role.get() == Role::MediaLibraryUser).then(|| view! {
            <Transition fallback=|| view! { <Loading/> }>
                {move || groups.get().map(|r| match r {
                    Err(_) => ().into_any(),
                    Ok(list) if list.is_empty() => ().into_any(),
                    Ok(list) => view! {
                        <fieldset class="choice-group choice-list">
                            <legend>"Groups to join"</legend>
                            {list.into_iter().enumerate().map(|(i, g)| {
                                let id = format!("join-{}", g.id);
                                view! {
                                    <div class="choice">
                                        <input type="checkbox" id=id.clone() name=format!("group_ids[{i}]") value=g.id/>
                                        <label for=id>{g.name}</label>
                                    </div>
                                }
                            }).collect_view()}
                        </fieldset>
                    }.into_any(),
                })}
            </Transition>
        })
    }
}

/// Media Library user options (docs/rules/users.md#user-management), shown while that role is
/// chosen.
#[component]
pub fn MediaLibraryOptionsFields(
    #[prop(into)] role: Signal<Role>,
    initial: MediaLibraryOptions,
) -> impl IntoView {
    move || {
        (role.get() == Role::MediaLibraryUser).then(|| {
            view! {
                <fieldset class="choice-group choice-list">
                    <legend>"Media Library user options"</legend>
                    <div class="choice">
                        <input type="checkbox" id="ml-root-folders" name="create_root_folders" checked=initial.create_root_folders/>
                        <label for="ml-root-folders">"May create folders at the root"</label>
                        <span class="field-hint">"They can manage the folders they create."</span>
                    </div>
                    <div class="choice">
                        <input type="checkbox" id="ml-collections" name="create_collections" checked=initial.create_collections/>
                        <label for="ml-collections">"May create collections"</label>
                    </div>
                </fieldset>
            }
        })
    }
}
