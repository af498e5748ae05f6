//! The visible states of anything that loads: loading, empty, error, forbidden.

use crate::api::ConsoleError;
use leptos::prelude::*;

#[component]
pub fn Loading(#[prop(default = "Loading…")] label: &'static str) -> impl IntoView {
    view! {
        <p class="state state-loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            {label}
        </p>
    }
}

#[component]
pub fn Empty(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="state state-empty">{message}</p> }
}

#[component]
pub fn ErrorNotice(error: ConsoleError) -> impl IntoView {
    let signed_out = error.is_unauthenticated();
    view! {
        <div class="state state-error" role="alert">
            <p>{error.to_string()}</p>
            {signed_out.then(|| view! { <a href="/login">"Sign in"</a> })}
        </div>
    }
}

/// A form's message after submitting: the error for the whole form, or a success note.
#[component]
pub fn FormStatus(
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] success: Option<Signal<Option<String>>>,
) -> impl IntoView {
    view! {
        <div class="form-status" aria-live="polite">
            {move || error.get().map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
            {move || {
                success.and_then(|s| s.get()).map(|m| view! { <p class="notice notice-success" role="status">{m}</p> })
            }}
        </div>
    }
}
