//! The second step of signing in (docs/rules/two-factor.md#signing-in): a code from the
//! authenticator app, or a recovery code. Works as a plain form too, without the WASM.

use crate::components::auth::use_auth;
use crate::components::form::{field_error, form_error, Field};
use crate::components::status::FormStatus;
use crate::domain::sign_in::{safe_next, SignInProblem};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInCodePage() -> impl IntoView {
    let action = use_auth().sign_in_code;
    let value = action.value();
    let pending = action.pending();
    let next = move || {
        use_query_map().with(|q| {
            q.get("next")
                .and_then(|n| safe_next(&n).map(str::to_string))
        })
    };
    // Posted without the WASM, a refused code comes back here with `?failed=<code>`.
    let error = Signal::derive(move || {
        form_error(value).get().or_else(|| {
            value.with(|v| v.is_none()).then(|| {
                use_query_map().with(|q| {
                    q.get("failed")
                        .and_then(|c| SignInProblem::from_code(&c))
                        .map(|p| p.message().to_string())
                })
            })?
        })
    });
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
