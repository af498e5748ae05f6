use crate::api::SessionInfo;
use crate::components::auth::use_auth;
use crate::components::form::{field_error, Field};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let auth = use_auth();
    let value = auth.sign_in.value();
    let just_set_up = move || use_query_map().with(|q| q.get("setup").is_some());
    let just_invited = move || use_query_map().with(|q| q.get("invited").is_some());
    let password_set = move || use_query_map().with(|q| q.get("password").is_some());
    let pending = auth.sign_in.pending();
    // The page asked for before signing in, and what went wrong (see `sign_in_error`).
    let next = crate::components::auth::next_page;
    let error = crate::components::auth::sign_in_error(value);
    view! {
        <Title text="Sign in"/>
        <Transition fallback=|| ()>
            {move || {
                auth.session
                    .get()
                    .map(|r| match r {
                        Ok(SessionInfo { setup_required: true, .. }) => view! { <Redirect path="/setup"/> }.into_any(),
                        Ok(SessionInfo { me: Some(_), .. }) => {
                            view! { <Redirect path=next().unwrap_or_else(|| "/".into())/> }.into_any()
                        }
                        _ => ().into_any(),
                    })
            }}
        </Transition>
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="login-title">
                <h1 id="login-title">"Sign in to the console"</h1>
                {move || {
                    just_set_up()
                        .then(|| view! { <p class="notice notice-success" role="status">"Your account is ready. Sign in with the email and password you chose."</p> })
                }}
                {move || {
                    just_invited()
                        .then(|| view! { <p class="notice notice-success" role="status">"Your password is set. Sign in with your email and new password."</p> })
                }}
                {move || {
                    password_set()
                        .then(|| view! { <p class="notice notice-success" role="status">"Your new password is set. Sign in with it."</p> })
                }}
                <ActionForm action=auth.sign_in attr:novalidate=true attr:aria-label="Sign in">
                    <Field label="Email" name="email" kind="email" autocomplete="username" required=true error=field_error(value, "email")/>
                    <Field
                        label="Password"
                        name="password"
                        kind="password"
                        autocomplete="current-password"
                        required=true
                        error=field_error(value, "password")
                    />
                    <input type="hidden" name="next" value=move || next().unwrap_or_default()/>
                    <FormStatus error/>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                <p class="hint">
                    "Invited, or was your password reset? Use the link in your email — or "
                    <a href="/forgot-password">"Forgot your password?"</a>
                </p>
                <SsoSignIn/>
            </section>
        </main>
    }
}

/// *Sign in with SSO* (docs/rules/saml.md#signing-in): a plain form to the server, which
/// sends the browser on to the account's identity provider — it works before the WASM
/// arrives. Its problems come back as `?failed=sso_…`.
#[component]
fn SsoSignIn() -> impl IntoView {
    use crate::domain::sign_in::SignInProblem;
    let next = crate::components::auth::next_page;
    let problem = Signal::derive(|| {
        use_query_map().with(|q| {
            q.get("failed")
                .and_then(|c| SignInProblem::from_code(&c))
                .filter(|p| p.is_sso_form())
                .map(|p| p.message().to_string())
        })
    });
    view! {
        <div class="auth-divider" role="separator"><span>"or"</span></div>
        <form method="post" action="/saml/login" aria-label="Sign in with SSO" novalidate=true>
            <Field label="Work email" name="email" id="sso-email" kind="email" autocomplete="username"
                required=true hint="Your organization's identity provider signs you in." error=Signal::derive(|| None::<String>)/>
            <input type="hidden" name="next" value=move || next().unwrap_or_default()/>
            <FormStatus error=problem/>
            <button type="submit" class="button">"Sign in with SSO"</button>
        </form>
    }
}
