//! Account security (docs/rules/two-factor.md#required): require two-factor authentication,
//! sign out all users. Later: SAML, allowed IP addresses, session lifetimes.

use crate::api::{get_account_security, SetRequireTwoFactor, SignOutAllUsers};
use crate::components::form::form_error;
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::account::AccountSecurity;
use crate::domain::{Area, Permission};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let require = ServerAction::<SetRequireTwoFactor>::new();
    let sign_out_all = ServerAction::<SignOutAllUsers>::new();
    sign_in_again_on(require.value());
    sign_in_again_on(sign_out_all.value());
    let security =
        crate::components::data::data(move || require.version().get(), |_| get_account_security());
    let may_manage = use_me().role.has(Permission::SecurityManage);
    view! {
        <Title text="Account security"/>
        <AreaGate area=Area::Security>
            <h1>"Account security"</h1>
            <Transition fallback=|| view! { <Loading/> }>
                {move || security.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) => view! { <TwoFactorPolicy security=s may_manage require/> }.into_any(),
                })}
            </Transition>
            {may_manage.then(|| view! { <SignOutAll action=sign_out_all/> })}
        </AreaGate>
    }
}

#[component]
fn TwoFactorPolicy(
    security: AccountSecurity,
    may_manage: bool,
    require: ServerAction<SetRequireTwoFactor>,
) -> impl IntoView {
    let ticked = RwSignal::new(security.require_two_factor);
    let submit = move || {
        require.dispatch(SetRequireTwoFactor {
            required: ticked.get_untracked().then(|| "on".to_string()),
        });
    };
    let saved = Signal::derive(move || {
        matches!(require.value().get(), Some(Ok(_))).then(|| "Account security saved".to_string())
    });
    let without = security.users_without_two_factor;
    view! {
        <section class="panel" aria-labelledby="policy-title">
            <h2 id="policy-title">"Two-factor authentication"</h2>
            <ReauthPrompt needed=needs_reauth(require.value()) on_done=Callback::new(move |_| submit())/>
            <form aria-label="Two-factor authentication policy" novalidate=true
                on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="choice">
                    <input type="checkbox" id="require-two-factor" name="required" disabled=!may_manage
                        prop:checked=move || ticked.get()
                        on:change=move |ev| ticked.set(event_target_checked(&ev))
                        aria-describedby="require-two-factor-hint"/>
                    <label for="require-two-factor">"Require two-factor authentication for every user"</label>
                    <p class="field-hint" id="require-two-factor-hint">
                        {format!(
                            "Users without it set it up at their next sign-in, before anything else. {without} active {} without it now.",
                            if without == 1 { "user is" } else { "users are" }
                        )}
                    </p>
                </div>
                <FormStatus error=form_error(require.value()) success=saved/>
                {may_manage.then(|| view! { <button type="submit" class="button button-primary">"Save"</button> })}
            </form>
        </section>
    }
}

#[component]
fn SignOutAll(action: ServerAction<SignOutAllUsers>) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let done = Signal::derive(move || match action.value().get() {
        Some(Ok(n)) => Some(format!(
            "Signed out {n} {}",
            if n == 1 { "session" } else { "sessions" }
        )),
        _ => None,
    });
    view! {
        <section class="panel" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <p>"End every session of every user of this account, except yours. Everyone signs in again."</p>
            <FormStatus error=form_error(action.value()) success=done/>
            {move || if confirming.get() {
                view! {
                    <span role="alertdialog" aria-label="Confirm sign out all users" class="confirm">
                        "Sign out every other session now?"
                        <button type="button" class="button button-danger"
                            on:click=move |_| { action.dispatch(SignOutAllUsers {}); confirming.set(false); }>
                            "Sign out all users now"
                        </button>
                        <button type="button" class="button button-quiet" on:click=move |_| confirming.set(false)>"Cancel"</button>
                    </span>
                }.into_any()
            } else {
                view! {
                    <button type="button" class="button" on:click=move |_| confirming.set(true)>"Sign out all users"</button>
                }.into_any()
            }}
        </section>
    }
}
