//! Re-authentication (docs/rules/sign-in.md#sessions): asks for the password again when an action
//! needs it, then lets the action run again.

use crate::api::{ConsoleError, Reauthenticate};
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::FormStatus;
use crate::domain::Refusal;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Did an action's last answer ask for re-authentication?
pub fn needs_reauth<T, S>(value: S) -> Signal<bool>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, ConsoleError>>> + Send + Sync + 'static,
{
    Signal::derive(move || {
        matches!(
            value.get(),
            Some(Err(ConsoleError::Refused(
                Refusal::ReauthenticationRequired
            )))
        )
    })
}

/// The password prompt; `on_done` runs once the password is confirmed.
#[component]
pub fn ReauthPrompt(#[prop(into)] needed: Signal<bool>, on_done: Callback<()>) -> impl IntoView {
    let action = ServerAction::<Reauthenticate>::new();
    let value = action.value();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(()))) {
            action.clear();
            on_done.run(());
        }
    });
    // A user with a second factor confirms with a code too.
    let two_factor = use_context::<crate::domain::Me>().is_some_and(|me| me.two_factor);
    // A SAML user confirms at the identity provider, then comes back here.
    let sso = use_context::<crate::domain::Me>().is_some_and(|me| me.single_sign_on);
    let here = leptos_router::hooks::use_location();
    let sso_link = move || {
        let path = format!("{}{}", here.pathname.get(), here.search.get());
        format!(
            "/saml/reauthenticate?next={}",
            url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>()
        )
    };
    move || {
        needed.get().then(|| {
            view! {
                <section class="panel confirm" role="dialog" aria-labelledby="reauth-title">
                    <h2 id="reauth-title">{if two_factor { "Confirm it's you" } else { "Confirm your password" }}</h2>
                    <p>"For your security, enter your password again. It stays confirmed for 10 minutes."</p>
                    {sso.then(|| view! {
                        <p>
                            <a class="button" href=sso_link>"Confirm with SSO"</a>
                            " Your identity provider asks you to sign in again, then brings you back here to try once more."
                        </p>
                    })}
                    <ActionForm action attr:novalidate=true attr:aria-label="Password confirmation">
                        <Field
                            label="Your password"
                            name="password"
                            kind="password"
                            autocomplete="current-password"
                            required=true
                            error=field_error(value, "password")
                        />
                        {two_factor.then(|| view! {
                            <Field
                                label="Authentication code"
                                name="code"
                                id="field-reauth-code"
                                autocomplete="one-time-code"
                                required=true
                                hint="From your authenticator app, or a recovery code."
                                error=field_error(value, "code")
                            />
                        })}
                        <FormStatus error=form_error(value)/>
                        <button type="submit" class="button button-primary">"Confirm password"</button>
                    </ActionForm>
                </section>
            }
        })
    }
}
