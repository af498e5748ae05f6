//! A user's row menu in User Management and the confirmation each action asks for. What
//! the menu offers comes from `domain::user_action`, the same rules the service enforces.

use crate::api::ActOnUser;
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::FormStatus;
use crate::domain::user_action::{menu, Acting, Target};
use crate::domain::{Me, UserAction, UserStatus, UserSummary};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// The action waiting for confirmation, if any.
pub type PendingAction = RwSignal<Option<(UserSummary, UserAction)>>;

/// What the signed-in user may do to `user`.
pub fn actions_for(me: &Me, user: &UserSummary) -> Vec<UserAction> {
    let actor = Acting {
        user_id: &me.user_id,
        role: me.role,
        environments: &me.environments,
    };
    menu(&actor, &Target::from(user))
}

/// The row menu: a disclosure button listing the actions; Edit opens the user's page,
/// the others ask for confirmation first.
#[component]
pub fn UserRowMenu(
    user: UserSummary,
    actions: Vec<UserAction>,
    pending: PendingAction,
) -> impl IntoView {
    if actions.is_empty() {
        return view! { <span class="visually-hidden">"No actions"</span> }.into_any();
    }
    let details = NodeRef::<leptos::html::Details>::new();
    let label = format!("Actions for {}", user.email);
    let edit_href = format!("/users/{}", user.id);
    view! {
        <details class="row-menu" node_ref=details>
            <summary aria-label=label class="button button-small">"Actions"</summary>
            <ul class="row-menu-items">
                {actions
                    .into_iter()
                    .map(|action| {
                        if action == UserAction::Edit {
                            view! { <li><a href=edit_href.clone()>{action.label()}</a></li> }.into_any()
                        } else {
                            let user = user.clone();
                            let choose = move |_| {
                                pending.set(Some((user.clone(), action)));
                                if let Some(d) = details.get() {
                                    d.set_open(false);
                                }
                            };
                            view! {
                                <li>
                                    <button type="button" class="menu-item" on:click=choose>{action.label()}</button>
                                </li>
                            }
                                .into_any()
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
    .into_any()
}

/// What an action will do, said before it is done.
fn consequence(user: &UserSummary, action: UserAction) -> &'static str {
    match action {
        UserAction::ResendInvite if user.status == UserStatus::Pending => {
            "A new invitation email is sent and the previous link stops working."
        }
        UserAction::ResendInvite => "They get an email with their role and product environments.",
        UserAction::ResetPassword => {
            "They are signed out everywhere at once, their password stops working, and they get an email with a link to choose a new one."
        }
        UserAction::ResendResetEmail => "A new link to choose a password is emailed and the previous one stops working.",
        UserAction::ForceLogout => "Every session of this user ends now. They can sign in again.",
        UserAction::ResetTwoFactor => {
            "Their authenticator app and recovery codes stop working, they are signed out everywhere, and they get an email. They sign in with their password and can set up two-factor authentication again."
        }
        UserAction::Disable => "They are signed out and can't sign in until enabled. Their seat stays taken.",
        UserAction::Enable => "They return to their previous status. A pending user needs a new invitation.",
        UserAction::Delete => {
            "The user becomes Inactive for good: signed out, removed from groups and shares, and their seat is freed. Records that name them are kept."
        }
        UserAction::Edit => "",
    }
}

/// The confirmation of the pending action, as a dialog in the page.
#[component]
pub fn ConfirmUserAction(pending: PendingAction, act: ServerAction<ActOnUser>) -> impl IntoView {
    let value = act.value();
    // A success closes the dialog (the page shows what happened).
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            pending.set(None);
        }
    });
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |_| {
        if pending.with(|p| p.is_some()) {
            if let Some(h) = heading.get() {
                let _ = h.focus();
            }
        }
    });
    let cancel = move |_| {
        pending.set(None);
        act.clear();
    };
    move || {
        pending.get().map(|(user, action)| {
            let title = format!("{} — {}?", action.label(), user.display_name());
            let is_delete = action == UserAction::Delete;
            view! {
                <section class="panel confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
                    <h2 id="confirm-title" tabindex="-1" node_ref=heading>{title}</h2>
                    <p id="confirm-text">{consequence(&user, action)}</p>
                    <ActionForm action=act attr:novalidate=true attr:aria-label="Confirm">
                        <input type="hidden" name="id" value=user.id.clone()/>
                        <input type="hidden" name="action" value=action.as_str()/>
                        {is_delete
                            .then(|| {
                                view! {
                                    <Field
                                        label="Type the user's email to confirm"
                                        name="confirm_email"
                                        kind="email"
                                        hint="The email address shown in the table"
                                        error=field_error(value, "confirm_email")
                                    />
                                }
                            })}
                        <FormStatus error=form_error(value)/>
                        <div class="button-row">
                            <button type="submit" class=if is_delete { "button button-danger" } else { "button button-primary" }>
                                {action.label()}
                            </button>
                            <button type="button" class="button" on:click=cancel>"Cancel"</button>
                        </div>
                    </ActionForm>
                </section>
            }
        })
    }
}
