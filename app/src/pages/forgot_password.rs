//! "Forgot your password?": the same answer whether or not the email exists.

use crate::api::ForgotPassword;
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<ForgotPassword>::new();
    let value = action.value();
    let sent = Signal::derive(move || value.get().and_then(|r| r.ok()));
    let pending = action.pending();
    view! {
        <Title text="Forgot your password?"/>
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="forgot-title">
                <h1 id="forgot-title">"Forgot your password?"</h1>
                <p>"Enter the email you sign in with. We'll email you a link to choose a new password; it works for one hour."</p>
                <ActionForm action attr:novalidate=true attr:aria-label="Forgot your password?">
                    <Field label="Email" name="email" kind="email" autocomplete="username" required=true error=field_error(value, "email")/>
                    <FormStatus error=form_error(value) success=sent/>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        "Email me a link"
                    </button>
                </ActionForm>
                <p><a href="/login">"Back to sign-in"</a></p>
            </section>
        </main>
    }
}
