use crate::api::SetEmailPreferences;
use crate::components::auth::use_auth;
use crate::components::form::{field_error, form_error, Field};
use crate::components::layout::sign_in_again_on;
use crate::components::layout::use_me;
use crate::components::own_account::{EmailPanel, PasswordPanel, SessionsPanel, TransferRootPanel};
use crate::components::status::FormStatus;
use crate::components::two_factor::TwoFactorPanel;
use crate::domain::{EmailPreferences, Theme};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// My Profile: personal details and the display preference, for every role.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = use_me();
    let auth = use_auth();
    let value = auth.profile.value();
    let saved = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Profile saved".to_string())
    });
    let theme_value = auth.theme.value();
    let theme_saved = Signal::derive(move || match theme_value.get() {
        Some(Ok(m)) => Some(format!("Display preference saved: {}", m.theme.label())),
        _ => None,
    });
    let theme_error = form_error(theme_value);
    let root = me.root;
    let name = me.name.clone().unwrap_or_default();
    let first = me.first_name.clone().unwrap_or_default();
    let last = me.last_name.clone().unwrap_or_default();
    let pick = move |t: Theme| {
        auth.theme_choice.set(Some(t));
        auth.theme.dispatch(crate::api::SetTheme {
            theme: t.as_str().to_string(),
        });
    };
    if me.must_enrol_two_factor {
        // The account requires a second factor: nothing else until it is set up.
        return view! {
            <Title text="My Profile"/>
            <h1>"Set up two-factor authentication"</h1>
            <p class="notice notice-warning" role="status">
                "Your account requires two-factor authentication. Set it up now: the rest of the console opens once it's on."
            </p>
            <TwoFactorPanel/>
        }
        .into_any();
    }
    view! {
        <Title text="My Profile"/>
        <h1>"My Profile"</h1>
        <p class="lead">{format!("{} · {}", me.email, me.role.console_name())}</p>

        {if me.identity_from_idp {
            view! {
                <section class="panel" aria-labelledby="details-title">
                    <h2 id="details-title">"Personal details"</h2>
                    <p>"Your name and email come from your organization's identity provider (single sign-on): change them there. They're updated here at your next sign-in."</p>
                    <dl class="facts">
                        <dt>"Name"</dt><dd>{me.name.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>"Email"</dt><dd>{me.email.clone()}</dd>
                    </dl>
                </section>
            }.into_any()
        } else {
            view! {
                <section class="panel" aria-labelledby="details-title">
                    <h2 id="details-title">"Personal details"</h2>
                    <ActionForm action=auth.profile attr:novalidate=true attr:aria-label="Personal details">
                        <Field
                            label="Display name"
                            name="name"
                            autocomplete="nickname"
                            value=Signal::derive(move || name.clone())
                            hint="Shown in the console instead of your email."
                            error=field_error(value, "name")
                        />
                        <div class="field-row">
                            <Field
                                label="First name"
                                name="first_name"
                                autocomplete="given-name"
                                value=Signal::derive(move || first.clone())
                                error=field_error(value, "first_name")
                            />
                            <Field
                                label="Last name"
                                name="last_name"
                                autocomplete="family-name"
                                value=Signal::derive(move || last.clone())
                                error=field_error(value, "last_name")
                            />
                        </div>
                        <FormStatus error=form_error(value) success=saved/>
                        <button type="submit" class="button button-primary">"Save details"</button>
                    </ActionForm>
                </section>

                <EmailPanel/>
            }.into_any()
        }}

        <PasswordPanel/>

        <TwoFactorPanel/>

        <SessionsPanel/>

        <EmailPreferencesForm/>

        {root.then(|| view! { <TransferRootPanel/> })}

        <section class="panel" aria-labelledby="display-title">
            <h2 id="display-title">"Display preferences"</h2>
            <fieldset class="choice-group">
                <legend>"Theme"</legend>
                {Theme::ALL
                    .into_iter()
                    .map(|t| {
                        let id = format!("theme-{}", t.as_str());
                        view! {
                            <div class="choice">
                                <input
                                    type="radio"
                                    id=id.clone()
                                    name="theme"
                                    value=t.as_str()
                                    prop:checked=move || auth.theme() == t
                                    on:change=move |_| pick(t)
                                />
                                <label for=id>{t.label()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <FormStatus error=theme_error success=theme_saved/>
            <TimeZoneForm/>
        </section>
    }
    .into_any()
}

/// The time zone times are shown in: an IANA name, or empty for the browser's.
#[component]
fn TimeZoneForm() -> impl IntoView {
    let action = ServerAction::<crate::api::SetTimeZone>::new();
    sign_in_again_on(action.value());
    let value = action.value();
    let saved = Signal::derive(move || match value.get() {
        Some(Ok(m)) => Some(match m.time_zone {
            Some(z) => format!("Times are shown in {z}"),
            None => "Times are shown in this browser's time zone".to_string(),
        }),
        _ => None,
    });
    let current = use_me().time_zone.unwrap_or_default();
    // Read in the browser after hydration (the server doesn't know it).
    let browser = RwSignal::new(String::new());
    Effect::new(move |_| browser.set(crate::components::time::browser_zone()));
    view! {
        <ActionForm action attr:novalidate=true attr:aria-label="Time zone">
            <div class="field" class:field-invalid=move || field_error(value, "time_zone").get().is_some()>
                <label for="field-time-zone">"Time zone"</label>
                <p class="field-hint" id="field-time-zone-hint">
                    {move || format!(
                        "An IANA name like Europe/Paris. Leave empty to use this browser's{}.",
                        if browser.get().is_empty() { String::new() } else { format!(" ({})", browser.get()) }
                    )}
                </p>
                <input id="field-time-zone" name="time_zone" autocomplete="off" value=current
                    aria-describedby="field-time-zone-hint field-time-zone-error"/>
                <p class="field-error" id="field-time-zone-error">{move || field_error(value, "time_zone").get()}</p>
            </div>
            <FormStatus error=form_error(value) success=saved/>
            <button type="submit" class="button button-primary">"Save time zone"</button>
        </ActionForm>
    }
}

/// Which emails the user wants; security emails are always sent.
#[component]
fn EmailPreferencesForm() -> impl IntoView {
    let me = use_me();
    let action = ServerAction::<SetEmailPreferences>::new();
    sign_in_again_on(action.value());
    let value = action.value();
    let saved = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Email preferences saved".to_string())
    });
    let prefs = me.email_preferences;
    view! {
        <section class="panel" aria-labelledby="email-prefs-title">
            <h2 id="email-prefs-title">"Email preferences"</h2>
            <ActionForm action attr:aria-label="Email preferences">
                <fieldset class="choice-group choice-list">
                    <legend>"Send me"</legend>
                    {EmailPreferences::FIELDS
                        .into_iter()
                        .map(|(name, label, hint)| {
                            let id = format!("email-pref-{name}");
                            let hint_id = format!("{id}-hint");
                            view! {
                                <div class="choice">
                                    <input type="checkbox" id=id.clone() name=name checked=prefs.get(name) aria-describedby=hint_id.clone()/>
                                    <label for=id>{label}</label>
                                    <span class="field-hint" id=hint_id>{hint}</span>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <p class="field-hint">"Security emails (password, sign-in and access changes) are always sent."</p>
                <FormStatus error=form_error(value) success=saved/>
                <button type="submit" class="button button-primary">"Save email preferences"</button>
            </ActionForm>
        </section>
    }
}
