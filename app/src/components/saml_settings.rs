//! SAML single sign-on on Account security (docs/rules/saml.md#settings): our values to
//! give the identity provider, its metadata (URL or XML), email domains, enforcement and
//! JIT provisioning; *Test SSO* opens a sign-in with the settings as typed, before saving.

use crate::api::{get_saml_settings, ConsoleError, SaveSamlSettings, TestSaml};
use crate::components::form::form_error;
use crate::components::layout::sign_in_again_on;
use crate::components::reauth::{needs_reauth, ReauthPrompt};
use crate::components::status::{ErrorNotice, FormStatus, Loading};
use crate::domain::saml::SamlSettings;
use crate::domain::Role;
use leptos::prelude::*;

#[component]
pub fn SamlSection(may_manage: bool) -> impl IntoView {
    let save = ServerAction::<SaveSamlSettings>::new();
    let test = ServerAction::<TestSaml>::new();
    sign_in_again_on(save.value());
    sign_in_again_on(test.value());
    let saved = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            saved.update(|n| *n += 1);
        }
    });
    let settings = crate::components::data::data(move || saved.get(), |_| get_saml_settings());
    view! {
        <section class="panel" aria-labelledby="saml-title">
            <h2 id="saml-title">"SAML single sign-on"</h2>
            <Transition fallback=|| view! { <Loading/> }>
                {move || settings.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    Ok(s) if !s.available => view! {
                        <p>"SAML single sign-on is part of the Enterprise plan."</p>
                    }.into_any(),
                    Ok(s) => view! { <SamlForm settings=s may_manage save test/> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// What the form holds, as typed.
#[derive(Clone, Copy)]
struct Typed {
    enabled: RwSignal<bool>,
    url: RwSignal<String>,
    xml: RwSignal<String>,
    domains: RwSignal<String>,
    enforce: RwSignal<bool>,
    jit: RwSignal<bool>,
    role: RwSignal<String>,
}

impl Typed {
    fn new(s: &SamlSettings) -> Typed {
        let by_url = s.metadata_url.is_some();
        Typed {
            enabled: RwSignal::new(s.enabled),
            url: RwSignal::new(s.metadata_url.clone().unwrap_or_default()),
            xml: RwSignal::new(if by_url {
                String::new()
            } else {
                s.metadata_xml.clone()
            }),
            domains: RwSignal::new(s.domains.join("\n")),
            enforce: RwSignal::new(s.enforce),
            jit: RwSignal::new(s.jit),
            role: RwSignal::new(s.jit_default_role.api_str().to_string()),
        }
    }

    fn tick(b: RwSignal<bool>) -> Option<String> {
        b.get_untracked().then(|| "on".to_string())
    }

    fn save(self) -> SaveSamlSettings {
        SaveSamlSettings {
            enabled: Self::tick(self.enabled),
            metadata_url: self.url.get_untracked(),
            metadata_xml: self.xml.get_untracked(),
            domains: self.domains.get_untracked(),
            enforce: Self::tick(self.enforce),
            jit: Self::tick(self.jit),
            jit_default_role: self.role.get_untracked(),
        }
    }

    fn test(self) -> TestSaml {
        let s = self.save();
        TestSaml {
            enabled: s.enabled,
            metadata_url: s.metadata_url,
            metadata_xml: s.metadata_xml,
            domains: s.domains,
            enforce: s.enforce,
            jit: s.jit,
            jit_default_role: s.jit_default_role,
        }
    }
}

#[component]
fn SamlForm(
    settings: SamlSettings,
    may_manage: bool,
    save: ServerAction<SaveSamlSettings>,
    test: ServerAction<TestSaml>,
) -> impl IntoView {
    let typed = Typed::new(&settings);
    let submit = move || {
        save.dispatch(typed.save());
    };
    let error = move |name: &'static str| {
        Signal::derive(move || {
            save.value()
                .with(|v| match v {
                    Some(Err(e)) => e.field(name),
                    _ => None,
                })
                .or_else(|| {
                    test.value().with(|v| match v {
                        Some(Err(e)) => e.field(name),
                        _ => None,
                    })
                })
        })
    };
    let done = Signal::derive(move || {
        matches!(save.value().get(), Some(Ok(_))).then(|| "SAML settings saved".to_string())
    });
    let sp = settings.service_provider.clone();
    let fetched = settings
        .metadata_fetched_at
        .map(crate::components::time::utc);
    let fetch_error = settings.metadata_error.clone();
    let idp = settings.idp_entity_id.clone();
    view! {
        <p>{match (&idp, settings.enabled) {
            (Some(idp), true) => format!("On: users of the listed domains sign in through {idp}."),
            (Some(_), false) => "Off. The settings below are kept.".to_string(),
            (None, _) => "Not set up.".to_string(),
        }}</p>
        {fetch_error.map(|e| view! { <p class="notice notice-error" role="alert">{format!("The metadata couldn't be refreshed: {e}. The last good metadata is in use.")}</p> })}
        <dl class="facts" aria-label="Values for your identity provider">
            <dt>"Entity ID"</dt><dd><code>{sp.entity_id.clone()}</code></dd>
            <dt>"Assertion consumer service (ACS) URL"</dt><dd><code>{sp.acs_url.clone()}</code></dd>
            <dt>"Name ID format"</dt><dd><code>{sp.name_id_format.clone()}</code></dd>
        </dl>
        <p><a href="/saml/metadata" download="console-saml-metadata.xml">"Download our metadata"</a></p>
        <ReauthPrompt needed=needs_reauth(save.value()) on_done=Callback::new(move |_| submit())/>
        <form aria-label="SAML settings" novalidate=true on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <fieldset disabled=!may_manage>
                <Check id="saml-enabled" label="SAML login" value=typed.enabled
                    hint="Users whose email is in a listed domain sign in through your identity provider."/>
                <TextField id="saml-metadata-url" label="Identity provider metadata URL" value=typed.url error=error("metadata")
                    hint=fetched.map_or("Fetched by the console now and every day — or paste the XML below.".to_string(), |t| format!("Last fetched {t}; fetched again daily."))/>
                <TextArea id="saml-metadata-xml" label="Or the metadata XML" value=typed.xml rows=5 error=Signal::derive(|| None::<String>)
                    hint="Paste the EntityDescriptor your identity provider gives. It must hold a signing certificate."/>
                <TextArea id="saml-domains" label="Email domains" value=typed.domains rows=2 error=error("domains")
                    hint="One per line, like example.com. Sign in with SSO sends these addresses to your identity provider."/>
                <Check id="saml-enforce" label="Enforce SAML login" value=typed.enforce
                    hint="Only Master admins may sign in with a password; everyone else's password sessions end now."/>
                {move || error("enforce").get().map(|m| view! { <p class="field-error">{m}</p> })}
                {settings.jit_available.then(|| view! {
                    <Check id="saml-jit" label="SAML provisioning (JIT)" value=typed.jit
                        hint="A first SAML sign-in of someone unknown creates their user from the identity provider's attributes."/>
                    {move || error("jit").get().map(|m| view! { <p class="field-error">{m}</p> })}
                    <div class="field">
                        <label for="saml-jit-role">"Default role of provisioned users"</label>
                        <select id="saml-jit-role" prop:value=move || typed.role.get()
                            on:change=move |ev| typed.role.set(event_target_value(&ev))>
                            {Role::ALL.into_iter().filter(|r| *r != Role::MasterAdmin).map(|r| view! {
                                <option value=r.api_str()>{r.console_name()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                })}
            </fieldset>
            <FormStatus error=Signal::derive(move || match save.value().get() {
                Some(Err(ConsoleError::Invalid(_))) => None,
                _ => form_error(save.value()).get(),
            }) success=done/>
            {may_manage.then(|| view! {
                <div class="button-row">
                    <button type="submit" class="button button-primary">"Save SAML settings"</button>
                    <button type="button" class="button" on:click=move |_| { test.dispatch(typed.test()); }>"Test SSO"</button>
                </div>
                <TestLink test/>
            })}
        </form>
    }
}

/// *Test SSO*'s sign-in, to open in a new tab (a link the user follows: no pop-up).
#[component]
fn TestLink(test: ServerAction<TestSaml>) -> impl IntoView {
    move || {
        match test.value().get() {
        Some(Ok(url)) => Some(view! {
            <p class="notice notice-success" role="status">
                "The test sign-in is ready: "
                <a href=url target="_blank" rel="noopener noreferrer">"Open the identity provider in a new tab"</a>
                ". Nothing is saved until you save."
            </p>
        }.into_any()),
        Some(Err(ConsoleError::Invalid(_))) | None => None,
        Some(Err(e)) => Some(view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any()),
    }
    }
}

#[component]
fn Check(
    id: &'static str,
    label: &'static str,
    value: RwSignal<bool>,
    hint: &'static str,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    view! {
        <div class="choice">
            <input type="checkbox" id=id prop:checked=move || value.get()
                on:change=move |ev| value.set(event_target_checked(&ev)) aria-describedby=hint_id.clone()/>
            <label for=id>{label}</label>
            <p class="field-hint" id=hint_id>{hint}</p>
        </div>
    }
}

#[component]
fn TextField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] hint: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            <input id=id type="url" prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=format!("{id}-hint {id}-error")/>
            <p class="field-hint" id=format!("{id}-hint")>{hint}</p>
            <p class="field-error" id=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}

#[component]
fn TextArea(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    rows: u32,
    hint: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=id>{label}</label>
            <textarea id=id rows=rows prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=format!("{id}-hint {id}-error")></textarea>
            <p class="field-hint" id=format!("{id}-hint")>{hint}</p>
            <p class="field-error" id=format!("{id}-error")>{move || error.get()}</p>
        </div>
    }
}
