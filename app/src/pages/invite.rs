//! Where emailed links land: an invitation, an admin password reset or "Forgot your
//! password?". The link's purpose picks the words; the form is the same.

use crate::api::{check_link, SetPassword};
use crate::components::form::{field_error, form_error, NewPasswordField};
use crate::components::status::{FormStatus, Loading};
use crate::domain::LinkPurpose;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let token = move || use_query_map().with(|q| q.get("token").unwrap_or_default());
    let purpose = crate::components::data::data(token, check_link);
    view! {
        <main class="auth-page" id="main">
            <section class="auth-card" aria-labelledby="set-password-title">
                <Suspense fallback=|| view! { <Loading/> }>
                    {move || {
                        purpose
                            .get()
                            .map(|r| match r {
                                Ok(p) => view! { <SetPasswordForm purpose=p token=token()/> }.into_any(),
                                Err(e) => {
                                    let message = e.field("token").unwrap_or_else(|| e.to_string());
                                    view! {
                                        <Title text="Link not valid"/>
                                        <h1 id="set-password-title">"This link doesn't work"</h1>
                                        <p class="notice notice-error" role="alert">{message}</p>
                                        <p><a href="/login">"Go to sign-in"</a></p>
                                    }
                                        .into_any()
                                }
                            })
                    }}
                </Suspense>
            </section>
        </main>
    }
}

#[component]
fn SetPasswordForm(purpose: LinkPurpose, token: String) -> impl IntoView {
    let action = ServerAction::<SetPassword>::new();
    let value = action.value();
    // A link that died meanwhile is reported for the form as a whole.
    let token_error = field_error(value, "token");
    let general = form_error(value);
    let message = Signal::derive(move || token_error.get().or_else(|| general.get()));
    let (title, intro, button) = match purpose {
        LinkPurpose::Invitation => (
            "Set your password",
            "You were invited to the console. Choose a password to finish setting up your account.",
            "Set password",
        ),
        LinkPurpose::AdminReset | LinkPurpose::ForgotPassword => (
            "Choose a new password",
            "Choose a new password for your console account. You'll then sign in with it.",
            "Save new password",
        ),
    };
    view! {
        <Title text=title/>
        <h1 id="set-password-title">{title}</h1>
        <p>{intro}</p>
        <ActionForm action attr:novalidate=true attr:aria-label=title>
            <input type="hidden" name="token" value=token/>
            <NewPasswordField label="New password" error=field_error(value, "password")/>
            <FormStatus error=message/>
            <button type="submit" class="button button-primary">{button}</button>
        </ActionForm>
    }
}
