//! The document shell and the router. The session context every page reads is
//! `components::auth`.

use crate::components::auth::provide_auth;
use crate::domain::settings::SettingsPage;
use crate::domain::Area;
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document. On the server it also sets the Content-Security-Policy with this
/// response's nonce, so only our own scripts (and WASM) run.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let Some(opts) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        opts.insert_header(CONTENT_SECURITY_POLICY, v);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let auth = provide_auth();

    view! {
        <Stylesheet id="leptos" href="/pkg/console.css"/>
        <Title formatter=|page: String| if page.is_empty() { "Console".to_string() } else { format!("{page} · Console") }/>
        // The theme is known once the session is: server-rendered from the user's choice.
        <Transition fallback=|| ()>
            {move || auth.session.get().map(|_| view! { <Html {..} data-theme=move || auth.theme().as_str()/> })}
        </Transition>
        <Router>
            <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                <Route ssr=SsrMode::Async path=path!("/login") view=pages::login::LoginPage/>
                <Route ssr=SsrMode::Async path=path!("/setup") view=pages::setup::SetupPage/>
                <Route ssr=SsrMode::Async path=path!("/invite") view=pages::invite::SetPasswordPage/>
                <Route ssr=SsrMode::Async path=path!("/reset-password") view=pages::invite::SetPasswordPage/>
                <Route ssr=SsrMode::Async path=path!("/forgot-password") view=pages::forgot_password::ForgotPasswordPage/>
                <ParentRoute ssr=SsrMode::Async path=path!("") view=crate::components::layout::ConsoleLayout>
                    <Route ssr=SsrMode::Async path=path!("") view=pages::home::HomePage/>
                    <Route ssr=SsrMode::Async path=path!("profile") view=pages::profile::ProfilePage/>
                    <Route ssr=SsrMode::Async path=path!("roles") view=pages::role_matrix::RoleMatrixPage/>
                    <Route ssr=SsrMode::Async path=path!("audit-log") view=pages::audit_log::AuditLogPage/>
                    <Route ssr=SsrMode::Async path=path!("users") view=pages::users::UsersPage/>
                    <Route ssr=SsrMode::Async path=path!("users/:id") view=pages::user_edit::UserEditPage/>
                    <Route ssr=SsrMode::Async path=path!("groups") view=pages::groups::GroupsPage/>
                    <Route ssr=SsrMode::Async path=path!("groups/:id") view=pages::group_edit::GroupEditPage/>
                    <Route ssr=SsrMode::Async path=path!("media-library") view=pages::media_library::MediaLibraryPage/>
                    <Route ssr=SsrMode::Async path=path!("environments") view=pages::environments::EnvironmentsPage/>
                    <Route ssr=SsrMode::Async path=path!("api-keys") view=pages::api_keys::ApiKeysPage/>
                    <Route ssr=SsrMode::Async path=path!("account") view=pages::account::AccountPage/>
                    <Route ssr=SsrMode::Async path=path!("account-api-keys") view=pages::account_api_keys::AccountApiKeysPage/>
                    <Route ssr=SsrMode::Async path=path!("provisioning-api") view=pages::provisioning_api::ProvisioningApiPage/>
                    <Route ssr=SsrMode::Async path=path!("security") view=|| view! { <pages::not_built::NotBuilt area=Area::Security/> }/>
                    <Route ssr=SsrMode::Async path=path!("billing") view=pages::billing::BillingPage/>
                    <Route ssr=SsrMode::Async path=path!("add-ons") view=pages::addons::AddonsPage/>
                    <Route ssr=SsrMode::Async path=path!("settings") view=pages::settings::SettingsIndex/>
                    <Route ssr=SsrMode::Async path=path!("settings/upload") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::Upload/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/backup") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::Backup/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/optimization") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::Optimization/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/webhooks") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::Webhooks/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/security") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::Security/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/media-library") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::MediaLibrary/> }/>
                    <Route ssr=SsrMode::Async path=path!("settings/dam-apps") view=|| view! { <pages::settings::SettingsScreen page=SettingsPage::DamApps/> }/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
