//! Account security (docs/rules/account-security.md): require two-factor authentication,
//! allowed IP addresses, session lifetimes, sign out all users, SAML single sign-on
//! (docs/rules/saml.md).

use crate::api::{
    get_account_security, SetAllowedIps, SetRequireTwoFactor, SetSessionLifetimes, SignOutAllUsers,
};
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::account::AccountSecurity;
use crate::domain::{Area, Permission};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let require = ServerAction::<SetRequireTwoFactor>::new();
    let ips = ServerAction::<SetAllowedIps>::new();
    let lifetimes = ServerAction::<SetSessionLifetimes>::new();
    let sign_out_all = ServerAction::<SignOutAllUsers>::new();
    sign_in_again_on(require.value());
    sign_in_again_on(ips.value());
    sign_in_again_on(lifetimes.value());
    sign_in_again_on(sign_out_all.value());
    // Read again after a change is saved — not after a refusal, which would put back the
    // saved values over what was typed (and what re-authentication is about to send).
    let saved = RwSignal::new(0u32);
    let bump = move |ok: bool| {
        if ok {
            saved.update(|n| *n += 1);
        }
    };
    Effect::new(move |_| bump(matches!(require.value().get(), Some(Ok(_)))));
    Effect::new(move |_| bump(matches!(ips.value().get(), Some(Ok(_)))));
    Effect::new(move |_| bump(matches!(lifetimes.value().get(), Some(Ok(_)))));
    let security = crate::components::data::data(move || saved.get(), |_| get_account_security());
    let may_manage = use_me().role.has(Permission::SecurityManage);
    view! {
        <Title text="Account security"/>
        <AreaGate area=Area::Security>
            <h1>"Account security"</h1>
            <Transition fallback=|| view! { <Loading/> }>
                {move || security.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) => view! {
                        <TwoFactorPolicy security=s.clone() may_manage require/>
                        <AllowedIps security=s.clone() may_manage action=ips/>
                        <SessionLifetimes security=s may_manage action=lifetimes/>
                    }.into_any(),
                })}
            </Transition>
            <crate::components::saml_settings::SamlSection may_manage/>
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

/// The account's allowed IP addresses: one per line, with the saver's own address shown.
#[component]
fn AllowedIps(
    security: AccountSecurity,
    may_manage: bool,
    action: ServerAction<SetAllowedIps>,
) -> impl IntoView {
    let text = RwSignal::new(crate::domain::ip_allowlist::to_lines(&security.allowed_ips));
    let submit = move || {
        action.dispatch(SetAllowedIps {
            allowed_ips: text.get_untracked(),
        });
    };
    // Every bad entry's message, and the lock-out guard's.
    let error = Signal::derive(move || match action.value().get() {
        Some(Err(crate::api::ConsoleError::Invalid(f))) => {
            let msgs: Vec<String> = f.0.iter().map(|e| e.message.clone()).collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        }
        _ => None,
    });
    let saved = Signal::derive(move || {
        matches!(action.value().get(), Some(Ok(_)))
            .then(|| "Allowed IP addresses saved".to_string())
    });
    let count = security.allowed_ips.len();
    view! {
        <section class="panel" aria-labelledby="ips-title">
            <h2 id="ips-title">"Allowed IP addresses"</h2>
            <p>
                {if count == 0 {
                    "Any address may sign in and use the console and the Provisioning API.".to_string()
                } else {
                    format!("Only these {count} addresses or ranges may sign in and use the console and the Provisioning API.")
                }}
                " Your address: " <strong>{security.your_address.clone()}</strong>
            </p>
            <ReauthPrompt needed=needs_reauth(action.value()) on_done=Callback::new(move |_| submit())/>
            <form aria-label="Allowed IP addresses" novalidate=true
                on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="field" class:field-invalid=move || error.get().is_some()>
                    <label for="allowed-ips">"Addresses and ranges"</label>
                    <p class="field-hint" id="allowed-ips-hint">
                        "One per line: an IPv4 or IPv6 address or a CIDR range (203.0.113.0/24, 2001:db8::/32), then an optional label. At most 100. Leave empty to allow every address."
                    </p>
                    <textarea id="allowed-ips" name="allowed_ips" rows="6" readonly=!may_manage
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        aria-invalid=move || error.get().is_some().then_some("true")
                        aria-describedby="allowed-ips-hint allowed-ips-error"></textarea>
                    <p class="field-error" id="allowed-ips-error">{move || error.get()}</p>
                </div>
                <FormStatus error=Signal::derive(move || match action.value().get() {
                    Some(Err(crate::api::ConsoleError::Invalid(_))) => None,
                    _ => form_error(action.value()).get(),
                }) success=saved/>
                {may_manage.then(|| view! { <button type="submit" class="button button-primary">"Save allowed addresses"</button> })}
            </form>
        </section>
    }
}

/// How long the account's sessions last.
#[component]
fn SessionLifetimes(
    security: AccountSecurity,
    may_manage: bool,
    action: ServerAction<SetSessionLifetimes>,
) -> impl IntoView {
    let value = action.value();
    let saved = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Session lifetimes saved".to_string())
    });
    let idle = security.session_idle_minutes.to_string();
    let absolute = security.session_absolute_hours.to_string();
    view! {
        <section class="panel" aria-labelledby="lifetimes-title">
            <h2 id="lifetimes-title">"Session lifetimes"</h2>
            <ReauthPrompt needed=needs_reauth(value) on_done=Callback::new(move |_| action.clear())/>
            <ActionForm action attr:novalidate=true attr:aria-label="Session lifetimes">
                <div class="field-row">
                    <Field label="Sign out after inactivity (minutes)" name="session_idle_minutes" kind="number"
                        value=Signal::derive(move || idle.clone()) hint="15 to 480."
                        error=field_error(value, "session_idle_minutes")/>
                    <Field label="Sign out after (hours), whatever happens" name="session_absolute_hours" kind="number"
                        value=Signal::derive(move || absolute.clone()) hint="1 to 72."
                        error=field_error(value, "session_absolute_hours")/>
                </div>
                <FormStatus error=form_error(value) success=saved/>
                {may_manage.then(|| view! { <button type="submit" class="button button-primary">"Save session lifetimes"</button> })}
            </ActionForm>
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
