use crate::api::SessionInfo;
use crate::components::auth::use_auth;
use crate::components::form::{field_error, form_error, Field, NewPasswordField};
use crate::components::status::{FormStatus, Loading};
use crate::domain::plan::{CATALOGUE, DEFAULT_PLAN};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

/// First run: creates the account and its root user, a Master admin. Unlocked by the
/// one-time setup token the server prints in its log.
#[component]
pub fn SetupPage() -> impl IntoView {
    let auth = use_auth();
    let value = auth.setup.value();
    let pending = auth.setup.pending();
    let plan_error = field_error(value, "plan");
    view! {
        <Title text="Set up the console"/>
        <main class="auth-page" id="main">
            <Transition fallback=|| view! { <Loading/> }>
                {move || {
                    auth.session
                        .get()
                        .map(|r| match r {
                            Ok(SessionInfo { setup_required: false, .. }) => {
                                // Just set up here: say so on the sign-in page.
                                let done = matches!(value.get_untracked(), Some(Ok(())));
                                let path = if done { "/login?setup=done" } else { "/login" };
                                view! { <Redirect path/> }.into_any()
                            }
                            _ => ().into_any(),
                        })
                }}
            </Transition>
            <section class="auth-card auth-card-wide" aria-labelledby="setup-title">
                <h1 id="setup-title">"Set up the console"</h1>
                <p>
                    "Create your account and its first user, a Master admin. The setup token is printed in the server log when the console starts without an account."
                </p>
                <ActionForm action=auth.setup attr:novalidate=true attr:aria-label="Set up the console">
                    <Field label="Setup token" name="token" autocomplete="off" required=true error=field_error(value, "token")/>
                    <Field
                        label="Account name"
                        name="account_name"
                        autocomplete="organization"
                        required=true
                        error=field_error(value, "account_name")
                    />
                    <Field label="Your email" name="email" kind="email" autocomplete="email" required=true error=field_error(value, "email")/>
                    <NewPasswordField label="Password" error=field_error(value, "password")/>
                    <div class="field" class:field-invalid=move || plan_error.get().is_some()>
                        <label for="setup-plan">"Plan"</label>
                        <select id="setup-plan" name="plan" aria-describedby="setup-plan-error">
                            {CATALOGUE
                                .iter()
                                .map(|p| {
                                    view! {
                                        <option value=p.id selected=p.id == DEFAULT_PLAN>
                                            {format!("{} ({} seats)", p.name, p.seats)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <p class="field-error" id="setup-plan-error">{move || plan_error.get()}</p>
                    </div>
                    <FormStatus error=form_error(value)/>
                    <button type="submit" class="button button-primary" disabled=move || pending.get()>
                        "Create account"
                    </button>
                </ActionForm>
            </section>
        </main>
    }
}
