//! Confirming a new email from the link sent to it (docs/rules/sign-in.md#your-own-email).
//! Opening the link changes nothing: the button does.

use crate::api::ConfirmEmail;
use crate::components::form::{field_error, form_error};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let action = ServerAction::<ConfirmEmail>::new();
    let value = action.value();
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let problem = Signal::derive(move || {
        field_error(value, "token")
            .get()
            .or_else(|| form_error(value).get())
    });
    view! {
        <Title text="Confirm your new email"/>
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="confirm-email-title">
                <h1 id="confirm-email-title">"Confirm your new email"</h1>
                {move || match value.get() {
                    Some(Ok(email)) => view! {
                        <p class="notice notice-success" role="status">
                            {format!("Your email is now {email}. Sign in with it from now on.")}
                        </p>
                        <p><a href="/login">"Go to sign in"</a></p>
                    }.into_any(),
                    _ => view! {
                        <p>"Confirm to make this address the email of your console account."</p>
                        <ActionForm action attr:aria-label="Confirm your new email">
                            <input type="hidden" name="token" value=token/>
                            <FormStatus error=problem/>
                            <button type="submit" class="button button-primary">"Confirm new email"</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </section>
        </main>
    }
}
