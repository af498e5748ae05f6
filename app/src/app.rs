//! The document shell and the router. The session context every page reads is
//! `components::auth`.

use crate::components::auth::provide_auth;
use crate::pages;
use crate::routes;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::Lazy;
use leptos_router::{path, SsrMode};

/// The HTML document, with the build's `stylesheet` (its content-hashed address). On the
/// server it also sets the Content-Security-Policy with this response's nonce, so only our
/// own scripts (and WASM) run.
pub fn shell(options: LeptosOptions, stylesheet: std::sync::Arc<str>) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    let scripts = hydrates().then(|| view! { <HydrationScripts options=options.clone()/> });
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" href=stylesheet.to_string()/>
                <AutoReload options/>
                {scripts}
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The sign-in pages are plain HTML: their forms post to the server and work without the
/// WASM (docs/rules/first-load.md), so a visitor who hasn't signed in
/// downloads none of the console's code. Reached by the console's own links once it runs,
/// they are rendered by it as any page.
#[cfg(feature = "ssr")]
fn hydrates() -> bool {
    use_context::<http::request::Parts>()
        .is_none_or(|req| !crate::routes::is_plain_html(req.uri.path()))
}

#[cfg(not(feature = "ssr"))]
fn hydrates() -> bool {
    true
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
        <Title formatter=|page: String| if page.is_empty() { "Console".to_string() } else { format!("{page} · Console") }/>
        // The theme is known once the session is: server-rendered from the user's choice.
        <Transition fallback=|| ()>
            {move || auth.session.get().map(|_| view! { <Html {..} data-theme=move || auth.theme().as_str()/> })}
        </Transition>
        <Router>
            <Routes fallback=|| view! { <pages::not_found::NotFound/> }>
                <Route ssr=SsrMode::Async path=path!("/login") view={Lazy::<routes::Login>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/login/code") view={Lazy::<routes::SignInCode>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/setup") view={Lazy::<routes::Setup>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/invite") view={Lazy::<routes::SetPassword>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/reset-password") view={Lazy::<routes::SetPassword>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/forgot-password") view={Lazy::<routes::ForgotPassword>::new()}/>
                <Route ssr=SsrMode::Async path=path!("/confirm-email") view={Lazy::<routes::ConfirmEmail>::new()}/>
                <ParentRoute ssr=SsrMode::Async path=path!("") view=crate::components::layout::ConsoleLayout>
                    <Route ssr=SsrMode::Async path=path!("") view={Lazy::<routes::Home>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("profile") view={Lazy::<routes::Profile>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("roles") view={Lazy::<routes::RoleMatrix>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("audit-log") view={Lazy::<routes::AuditLog>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users") view={Lazy::<routes::Users>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("users/:id") view={Lazy::<routes::UserEdit>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("groups") view={Lazy::<routes::Groups>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("groups/:id") view={Lazy::<routes::GroupEdit>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("media-library") view={Lazy::<routes::MediaLibrary>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("environments") view={Lazy::<routes::Environments>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("api-keys") view={Lazy::<routes::ApiKeys>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("account") view={Lazy::<routes::Account>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("account-api-keys") view={Lazy::<routes::AccountApiKeys>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("scim") view={Lazy::<routes::Scim>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("provisioning-api") view={Lazy::<routes::ProvisioningApi>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("security") view={Lazy::<routes::Security>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("billing") view={Lazy::<routes::Billing>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("add-ons") view={Lazy::<routes::AddOns>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings") view={Lazy::<routes::Settings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/upload") view={Lazy::<routes::UploadSettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/backup") view={Lazy::<routes::BackupSettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/optimization") view={Lazy::<routes::OptimizationSettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/webhooks") view={Lazy::<routes::WebhookSettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/security") view={Lazy::<routes::SecuritySettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/media-library") view={Lazy::<routes::MediaLibrarySettings>::new()}/>
                    <Route ssr=SsrMode::Async path=path!("settings/dam-apps") view={Lazy::<routes::DamAppSettings>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
