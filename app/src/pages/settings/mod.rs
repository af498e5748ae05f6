//! Product environment settings (docs/rules/environments.md#environment-settings) and the Media
//! Library pages (§10) of the active environment: one screen per page, a whole-page draft saved at
//! once against the revision it loaded.

mod delivery;
mod media_library;
mod upload;
mod webhooks;

use crate::api::ConsoleError;
use crate::api::{environment_settings, SaveEnvironmentSettings, SettingsView};
use crate::components::environment_switcher::use_environments;
use crate::components::layout::{sign_in_again_on, use_me, AreaGate};
use crate::components::status::{Empty, ErrorNotice, FormStatus, Loading};
use crate::components::time::utc;
use crate::domain::settings::{Settings, SettingsPage};
use crate::domain::{Area, FieldErrors};
use leptos::prelude::*;
use leptos_meta::Title;

/// What a page editor gives the screen: its view and how to read its draft.
pub struct Editor {
    pub view: AnyView,
    pub draft: Box<dyn Fn() -> Settings + Send + Sync>,
}

/// What every editor gets: the last save's errors and whether the user may change it.
#[derive(Clone, Copy)]
pub struct EditorContext {
    pub errors: Signal<FieldErrors>,
    pub readonly: Signal<bool>,
    pub environment_id: StoredValue<String>,
}

/// `/settings`: the first page the role may open.
#[component]
pub fn SettingsIndex() -> impl IntoView {
    let me = use_me();
    let first = SettingsPage::ALL
        .into_iter()
        .find(|p| me.can(p.view_permission()))
        .unwrap_or(SettingsPage::Upload);
    view! { <SettingsScreen page=first/> }
}

#[component]
pub fn SettingsScreen(page: SettingsPage) -> impl IntoView {
    let me = use_me();
    let allowed = me.can(page.view_permission());
    view! {
        <Title text=page.title()/>
        <AreaGate area=Area::EnvironmentSettings>
            <h1>{page.title()}</h1>
            <nav class="subnav" aria-label="Environment settings">
                {SettingsPage::ALL
                    .into_iter()
                    .filter(|p| me.can(p.view_permission()))
                    .map(|p| {
                        let current = (p == page).then_some("page");
                        view! { <a href=p.path() aria-current=current>{p.title()}</a> }
                    })
                    .collect_view()}
            </nav>
            {if allowed {
                view! { <SettingsLoader page/> }.into_any()
            } else {
                view! {
                    <div class="state state-error" role="alert">
                        <p>{format!("Your role ({}) doesn't include {}.", me.role.console_name(), page.title())}</p>
                    </div>
                }
                .into_any()
            }}
        </AreaGate>
    }
}

/// Loads the page for the active environment (again after the switcher or a save).
#[component]
fn SettingsLoader(page: SettingsPage) -> impl IntoView {
    let ctx = use_environments();
    let save = ServerAction::<SaveEnvironmentSettings>::new();
    sign_in_again_on(save.value());
    // Reload after a successful save only: a refused save keeps the user's draft.
    let saves = RwSignal::new(0u32);
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(_))) {
            saves.update(|n| *n += 1);
        }
    });
    let doc = crate::components::data::data(
        move || (ctx.select.version().get(), saves.get()),
        move |_| environment_settings(page.id().to_string()),
    );
    view! {
        <Transition fallback=|| view! { <Loading/> }>
            {move || {
                doc.get()
                    .map(|r| match r {
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                        Ok(None) => view! { <Empty message="You don't have access to any product environment"/> }.into_any(),
                        Ok(Some(v)) => view! { <SettingsForm view=v page save/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn SettingsForm(
    view: SettingsView,
    page: SettingsPage,
    save: ServerAction<SaveEnvironmentSettings>,
) -> impl IntoView {
    let me = use_me();
    let value = save.value();
    let errors = Signal::derive(move || match value.get() {
        Some(Err(ConsoleError::Invalid(f))) => f,
        _ => FieldErrors::new(),
    });
    let readonly = !me.can(page.manage_permission());
    let env = view.environment.clone();
    let revision = view.document.revision;
    let cx = EditorContext {
        errors,
        readonly: Signal::stored(readonly),
        environment_id: StoredValue::new(env.id.clone()),
    };
    let editor = match view.document.settings.clone() {
        Settings::Upload(s) => upload::editor(s, cx),
        Settings::Backup(s) => delivery::backup(s, cx),
        Settings::Optimization(s) => delivery::optimization(s, cx),
        Settings::Webhooks(s) => webhooks::editor(s, view.document.signing_key.clone(), cx),
        Settings::Security(s) => delivery::security(s, cx),
        Settings::MediaLibrary(s) => media_library::preferences(s, cx),
        Settings::DamApps(s) => media_library::dam_apps(s, cx),
    };
    let draft = StoredValue::new(editor.draft);
    let environment_id = env.id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = draft.with_value(|d| d());
        if let Ok(settings) = serde_json::to_string(&settings) {
            save.dispatch(SaveEnvironmentSettings {
                environment_id: environment_id.clone(),
                revision,
                settings,
            });
        }
    };
    let problem = Signal::derive(move || {
        value.get().and_then(|r| r.err()).and_then(|e| match e {
            ConsoleError::Invalid(_) => {
                Some("Nothing was saved: correct the fields marked below.".to_string())
            }
            other => other.form_message(),
        })
    });
    let done = Signal::derive(move || {
        matches!(value.get(), Some(Ok(_))).then(|| "Settings saved".to_string())
    });
    let saved = view.document.updated_at.map(|at| {
        format!(
            "Last saved {} by {}",
            utc(at),
            view.document
                .updated_by
                .clone()
                .unwrap_or_else(|| "someone".into())
        )
    });
    view! {
        <p class="lead">
            {format!("{} ({})", env.name, env.cloud_name)}
            " · "
            {saved.unwrap_or_else(|| "Defaults: never saved".into())}
        </p>
        {readonly.then(|| view! { <p class="notice" role="note">"Read only: your role can't change these settings."</p> })}
        <form class="settings-form" novalidate=true on:submit=submit aria-label=page.title()>
            {editor.view}
            <FormStatus error=problem success=done/>
            {(!readonly).then(|| view! {
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                    {format!("Save {}", page.title().to_lowercase())}
                </button>
            })}
        </form>
    }
}
