use crate::api::AcceptInvitation;
use crate::components::form::{field_error, form_error, NewPasswordField};
use crate::components::status::FormStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where an invitation link lands: the invited user sets their password.
#[component]
pub fn InvitePage() -> impl IntoView {
    let action = ServerAction::<AcceptInvitation>::new();
    let value = action.value();
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    // A bad link is reported on the page as a whole.
    let token_error = field_error(value, "token");
    let general = form_error(value);
    let message = Signal::derive(move || token_error.get().or_else(|| general.get()));
    view! {
        <Title text="Set your password"/>
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="invite-title">
                <h1 id="invite-title">"Set your password"</h1>
                <p>"You were invited to the console. Choose a password to finish setting up your account."</p>
                <ActionForm action attr:novalidate=true attr:aria-label="Set your password">
                    <input type="hidden" name="token" prop:value=token/>
                    <NewPasswordField label="New password" error=field_error(value, "password")/>
                    <FormStatus error=message/>
                    <button type="submit" class="button button-primary">"Set password"</button>
                </ActionForm>
            </section>
        </main>
    }
}
