//! The second step of signing in (docs/rules/two-factor.md#signing-in): a code from the
//! authenticator app, or a recovery code. Works as a plain form too, without the WASM.

use crate::components::auth::use_auth;
use crate::components::form::{field_error, Field};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = use_auth().sign_in_code;
    let value = action.value();
    let pending = action.pending();
    // The page asked for before signing in, and what went wrong (see `sign_in_error`).
    let next = crate::components::auth::next_page;
    let error = crate::components::auth::sign_in_error(value);
    view! {
        <Title text="Two-factor authentication"/>
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="code-title">
                <h1 id="code-title">"Two-factor authentication"</h1>
                <p>"Enter the code your authenticator app shows for this console."</p>
                <ActionForm action attr:novalidate=true attr:aria-label="Second step of signing in">
                    <Field
                        label="Authentication code"
                        name="code"
                        autocomplete="one-time-code"
                        required=true
                        hint="6 digits from your app — or one of your recovery codes (xxxxx-xxxxx) if you don't have it."
                        error=field_error(value, "code")
                    />
                    <input type="hidden" name="next" value=move || next().unwrap_or_default()/>
                    <FormStatus error/>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Checking…" } else { "Verify and sign in" }}
                    </button>
                </ActionForm>
                <p class="hint">"Not you, or wrong account? "<a href="/login">"Sign in again"</a></p>
            </section>
        </main>
    }
}
