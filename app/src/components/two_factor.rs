//! My Profile's *Two-factor authentication* panel (docs/rules/two-factor.md): set up an
//! authenticator (QR code, URI, secret), confirm it with a first code, recovery codes shown
//! once, new recovery codes, turn it off with the password and a code.

use crate::api::{
    get_two_factor, BeginTwoFactor, ConfirmTwoFactor, DisableTwoFactor, RegenerateRecoveryCodes,
};
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::sign_in_again_on;
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::two_factor::{Enrolment, RecoveryCodes, TwoFactorStatus};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn TwoFactorPanel() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactor>::new();
    let confirm = ServerAction::<ConfirmTwoFactor>::new();
    let regenerate = ServerAction::<RegenerateRecoveryCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    sign_in_again_on(begin.value());
    sign_in_again_on(confirm.value());
    sign_in_again_on(regenerate.value());
    sign_in_again_on(disable.value());
    let status = crate::components::data::data(
        move || {
            (
                confirm.version().get(),
                regenerate.version().get(),
                disable.version().get(),
            )
        },
        |_| get_two_factor(),
    );
    // Recovery codes just made (by confirming or regenerating): shown until dismissed.
    let fresh_codes = RwSignal::new(None::<RecoveryCodes>);
    Effect::new(move |_| {
        if let Some(Ok(codes)) = confirm.value().get() {
            fresh_codes.set(Some(codes));
            begin.clear();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(codes)) = regenerate.value().get() {
            fresh_codes.set(Some(codes));
        }
    });
    let reauth_begin = needs_reauth(begin.value());
    let reauth_regenerate = needs_reauth(regenerate.value());
    let problems = Signal::derive(move || {
        form_error(begin.value())
            .get()
            .or_else(|| form_error(regenerate.value()).get())
    });
    // The console learns the new state (the frame's navigation after a required set-up, the
    // re-authentication's code field) once the codes are put away, or 2FA is off.
    let auth = crate::components::auth::use_auth();
    let codes_put_away = Callback::new(move |_| {
        fresh_codes.set(None);
        auth.session.refetch();
    });
    Effect::new(move |_| {
        if matches!(disable.value().get(), Some(Ok(()))) {
            auth.session.refetch();
        }
    });
    view! {
        <section class="panel" aria-labelledby="two-factor-title">
            <h2 id="two-factor-title">"Two-factor authentication"</h2>
            <FormStatus error=problems/>
            <ReauthPrompt needed=reauth_begin on_done=Callback::new(move |_| { begin.dispatch(BeginTwoFactor {}); })/>
            <ReauthPrompt needed=reauth_regenerate on_done=Callback::new(move |_| { regenerate.dispatch(RegenerateRecoveryCodes {}); })/>
            {move || fresh_codes.get().map(|codes| view! { <RecoveryCodeList codes on_done=codes_put_away/> })}
            <Transition fallback=|| view! { <Loading/> }>
                {move || status.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) if s.enabled => view! { <FactorOn status=s regenerate disable/> }.into_any(),
                    Ok(s) => view! { <FactorOff status=s begin confirm/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// 2FA off: *Set up*, then the authenticator to add and its first code.
#[component]
fn FactorOff(
    status: TwoFactorStatus,
    begin: ServerAction<BeginTwoFactor>,
    confirm: ServerAction<ConfirmTwoFactor>,
) -> impl IntoView {
    let enrolment = Signal::derive(move || begin.value().get().and_then(|r| r.ok()));
    let pending = begin.pending();
    view! {
        <p>
            {if status.required {
                "Your account requires two-factor authentication. Set it up to continue: you'll enter a code from an authenticator app each time you sign in."
            } else {
                "Two-factor authentication is off. Turn it on to ask for a code from an authenticator app each time you sign in."
            }}
        </p>
        {move || match enrolment.get() {
            Some(e) => view! { <EnrolmentForm enrolment=e confirm/> }.into_any(),
            None => view! {
                <button type="button" class="button button-primary" disabled=move || pending.get()
                    on:click=move |_| { begin.dispatch(BeginTwoFactor {}); }>
                    "Set up two-factor authentication"
                </button>
            }.into_any(),
        }}
    }
}

#[component]
fn EnrolmentForm(enrolment: Enrolment, confirm: ServerAction<ConfirmTwoFactor>) -> impl IntoView {
    let value = confirm.value();
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this QR code with an authenticator app (for example 1Password, Google Authenticator or Microsoft Authenticator)."</p>
                <figure class="qr-code" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg.clone()></figure>
                <details>
                    <summary>"Can't scan it? Enter the key by hand"</summary>
                    <dl>
                        <dt>"Secret key"</dt>
                        <dd><code class="secret" aria-label="Secret key">{enrolment.secret.clone()}</code></dd>
                        <dt>"Setup link"</dt>
                        <dd><a href=enrolment.uri.clone()>"Open in an authenticator app"</a></dd>
                    </dl>
                </details>
            </li>
            <li>
                <ActionForm action=confirm attr:novalidate=true attr:aria-label="Confirm two-factor authentication">
                    <Field
                        label="Code from the app"
                        name="code"
                        id="field-enrol-code"
                        autocomplete="one-time-code"
                        required=true
                        hint="The 6 digits the app shows now."
                        error=field_error(value, "code")
                    />
                    <FormStatus error=form_error(value)/>
                    <button type="submit" class="button button-primary">"Turn on two-factor authentication"</button>
                </ActionForm>
            </li>
        </ol>
    }
}

/// 2FA on: recovery codes left, make new ones, turn it off.
#[component]
fn FactorOn(
    status: TwoFactorStatus,
    regenerate: ServerAction<RegenerateRecoveryCodes>,
    disable: ServerAction<DisableTwoFactor>,
) -> impl IntoView {
    let value = disable.value();
    view! {
        <p class="status-line">
            <span class="status status-active">"On"</span>
            {format!(" Sign-in asks for a code from your authenticator app. {} of 10 recovery codes left.", status.recovery_codes_left)}
        </p>
        <button type="button" class="button"
            on:click=move |_| { regenerate.dispatch(RegenerateRecoveryCodes {}); }>
            "Make new recovery codes"
        </button>
        {if status.required {
            view! { <p class="field-hint">"Your account requires two-factor authentication, so it can't be turned off."</p> }.into_any()
        } else {
            view! {
                <details class="danger-zone">
                    <summary>"Turn off two-factor authentication"</summary>
                    <ActionForm action=disable attr:novalidate=true attr:aria-label="Turn off two-factor authentication">
                        <Field label="Your password" name="password" id="field-disable-password" kind="password"
                            autocomplete="current-password" required=true error=field_error(value, "password")/>
                        <Field label="Code or recovery code" name="code" id="field-disable-code"
                            autocomplete="one-time-code" required=true error=field_error(value, "code")/>
                        <FormStatus error=form_error(value)/>
                        <button type="submit" class="button button-danger">"Turn off"</button>
                    </ActionForm>
                </details>
            }.into_any()
        }}
    }
}

/// Recovery codes, shown once: to print, copy or download.
#[component]
fn RecoveryCodeList(codes: RecoveryCodes, on_done: Callback<()>) -> impl IntoView {
    let text = codes.codes.join("\n");
    let download = format!(
        "data:text/plain;charset=utf-8,{}",
        url::form_urlencoded::byte_serialize(format!("{text}\n").as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    );
    view! {
        <div class="secret-once" role="status" aria-labelledby="recovery-title">
            <h3 id="recovery-title">"Your recovery codes"</h3>
            <p>"Keep these somewhere safe. Each one signs you in once if you lose your authenticator app. The console shows them only now."</p>
            <ul class="recovery-codes" aria-label="Recovery codes">
                {codes.codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
            </ul>
            <div class="button-row">
                <a class="button" href=download download="recovery-codes.txt">"Download codes"</a>
                <button type="button" class="button button-primary" on:click=move |_| on_done.run(())>"I've saved my codes"</button>
            </div>
        </div>
    }
}
