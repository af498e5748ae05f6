//! My Profile's *Password* and *Sessions* panels (docs/rules/sign-in.md#your-sessions).

use crate::api::{my_sessions, ChangePassword, EndOtherSessions, EndSession};
use crate::components::form::{field_error, form_error, Field, NewPasswordField};
use crate::components::layout::{sign_in_again_on, use_me};
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
