//! My Profile's *Password* and *Sessions* panels (docs/rules/sign-in.md#your-sessions).

use crate::api::{
    my_sessions, root_candidates, ChangePassword, EndOtherSessions, EndSession, RequestEmailChange,
    TransferRoot,
};
use crate::components::form::{field_error, form_error, Field, NewPasswordField};
use crate::components::layout::{sign_in_again_on, use_me};
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::format::utc;
use crate::domain::profile::SessionSummary;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Change password: the current one, the new one, and a code with two-factor authentication.
#[component]
pub fn PasswordPanel() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    sign_in_again_on(action.value());
    let value = action.value();
    let two_factor = use_me().two_factor;
    let saved = Signal::derive(move || {
        matches!(value.get(), Some(Ok(())))
            .then(|| "Password changed. Your other sessions were signed out.".to_string())
    });
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <ActionForm action attr:novalidate=true attr:aria-label="Change password">
                <Field label="Current password" name="password" id="field-current-password" kind="password"
                    autocomplete="current-password" required=true error=field_error(value, "password")/>
                <NewPasswordField label="New password" name="new_password" error=field_error(value, "new_password")/>
                {two_factor.then(|| view! {
                    <Field label="Authentication code" name="code" id="field-password-code"
                        autocomplete="one-time-code" required=true
                        hint="From your authenticator app, or a recovery code."
                        error=field_error(value, "code")/>
                })}
                <FormStatus error=form_error(value) success=saved/>
                <button type="submit" class="button button-primary">"Change password"</button>
            </ActionForm>
        </section>
    }
}

/// Change email (re-authenticated): a link goes to the new address; the change applies
/// when it's opened.
#[component]
pub fn EmailPanel() -> impl IntoView {
    let action = ServerAction::<RequestEmailChange>::new();
    sign_in_again_on(action.value());
    let value = action.value();
    let email = RwSignal::new(String::new());
    let submit = move || {
        action.dispatch(RequestEmailChange {
            email: email.get_untracked(),
        });
    };
    let sent = Signal::derive(move || {
        matches!(value.get(), Some(Ok(()))).then(|| {
            format!(
                "We've sent a link to {}. Your email changes when you open it (within 24 hours).",
                email.get_untracked().trim()
            )
        })
    });
    let error = field_error(value, "email");
    let current = use_me().email;
    view! {
        <section class="panel" aria-labelledby="email-title">
            <h2 id="email-title">"Email"</h2>
            <p>"You sign in with " <strong>{current}</strong> "."</p>
            <ReauthPrompt needed=needs_reauth(value) on_done=Callback::new(move |_| submit())/>
            <form aria-label="Change email" novalidate=true on:submit=move |ev| { ev.prevent_default(); submit(); }>
                <div class="field" class:field-invalid=move || error.get().is_some()>
                    <label for="field-new-email">"New email"</label>
                    <input id="field-new-email" name="email" type="email" autocomplete="email"
                        prop:value=move || email.get() on:input=move |ev| email.set(event_target_value(&ev))
                        aria-invalid=move || error.get().is_some().then_some("true")
                        aria-describedby="field-new-email-error"/>
                    <p class="field-error" id="field-new-email-error">{move || error.get()}</p>
                </div>
                <FormStatus error=Signal::derive(move || if needs_reauth(value).get() { None } else { form_error(value).get() }) success=sent/>
                <button type="submit" class="button button-primary">"Send confirmation link"</button>
            </form>
        </section>
    }
}

/// Your sessions: device, address, started, last seen; *Sign out* one or the others.
#[component]
pub fn SessionsPanel() -> impl IntoView {
    let end = ServerAction::<EndSession>::new();
    let others = ServerAction::<EndOtherSessions>::new();
    sign_in_again_on(end.value());
    sign_in_again_on(others.value());
    let sessions = crate::components::data::data(
        move || (end.version().get(), others.version().get()),
        |_| my_sessions(),
    );
    let note = Signal::derive(move || match others.value().get() {
        Some(Ok(n)) => Some(format!(
            "Signed out {n} other {}",
            if n == 1 { "session" } else { "sessions" }
        )),
        _ => matches!(end.value().get(), Some(Ok(()))).then(|| "Session signed out".to_string()),
    });
    let problem = Signal::derive(move || {
        form_error(end.value())
            .get()
            .or_else(|| form_error(others.value()).get())
    });
    view! {
        <section class="panel" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Sessions"</h2>
            <p>"Where you're signed in now. Sign out any session you don't recognise."</p>
            <FormStatus error=problem success=note/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || sessions.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) => view! { <SessionTable list end/> }.into_any(),
                })}
            </Transition>
            <button type="button" class="button" on:click=move |_| { others.dispatch(EndOtherSessions {}); }>
                "Sign out other sessions"
            </button>
        </section>
    }
}

#[component]
fn SessionTable(list: Vec<SessionSummary>, end: ServerAction<EndSession>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|s| {
            let id = s.id.clone();
            let label = format!("Sign out {} from {}", s.device, s.ip);
            view! {
                <tr>
                    <th scope="row">
                        {s.device.clone()}
                        {s.current.then(|| view! { " " <span class="status status-active">"This session"</span> })}
                    </th>
                    <td>{s.ip.clone()}</td>
                    <td>{utc(s.started_at)}</td>
                    <td>{utc(s.last_seen_at)}</td>
                    <td>
                        <button type="button" class="button button-quiet" aria-label=label
                            on:click=move |_| { end.dispatch(EndSession { id: id.clone() }); }>
                            "Sign out"
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Your sessions"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Device"</th>
                        <th scope="col">"Address"</th>
                        <th scope="col">"Started"</th>
                        <th scope="col">"Last seen"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// *Transfer root* (the root user only): to another active Master admin, re-authenticated.
#[component]
pub fn TransferRootPanel() -> impl IntoView {
    let action = ServerAction::<TransferRoot>::new();
    sign_in_again_on(action.value());
    let value = action.value();
    let candidates = crate::components::data::data(|| (), |_| root_candidates());
    let chosen = RwSignal::new(String::new());
    let submit = move || {
        action.dispatch(TransferRoot {
            user_id: chosen.get_untracked(),
        });
    };
    let auth = crate::components::auth::use_auth();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            auth.session.refetch();
        }
    });
    let error = field_error(value, "user_id");
    view! {
        <section class="panel" aria-labelledby="root-title">
            <h2 id="root-title">"Transfer root"</h2>
            <p>"You are the account's root user: nobody can demote, disable or delete you. Hand that to another active Master admin; you stay a Master admin."</p>
            <ReauthPrompt needed=needs_reauth(value) on_done=Callback::new(move |_| submit())/>
            <Transition fallback=|| view! { <Loading/> }>
                {move || candidates.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="field-hint">"No other active Master admin yet: make one in User Management first."</p>
                    }.into_any(),
                    Ok(list) => view! {
                        <form aria-label="Transfer root" novalidate=true on:submit=move |ev| { ev.prevent_default(); submit(); }>
                            <div class="field" class:field-invalid=move || error.get().is_some()>
                                <label for="field-root-to">"New root user"</label>
                                <select id="field-root-to" name="user_id" on:change=move |ev| chosen.set(event_target_value(&ev))
                                    aria-describedby="field-root-to-error">
                                    <option value="">"Choose a Master admin"</option>
                                    {list.into_iter().map(|(id, email)| view! { <option value=id>{email}</option> }).collect_view()}
                                </select>
                                <p class="field-error" id="field-root-to-error">{move || error.get()}</p>
                            </div>
                            <FormStatus error=Signal::derive(move || if needs_reauth(value).get() { None } else { form_error(value).get() })/>
                            <button type="submit" class="button button-danger">"Transfer root"</button>
                        </form>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
