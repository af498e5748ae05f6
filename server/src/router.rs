//! The HTTP application: pages and server functions, static files, and the middleware
//! every request passes.

use crate::assets::SiteAssets;
use crate::config::Config;
use crate::middleware::{
    attach_request_meta, read_body_in_time, refuse_cross_site, security_headers, server_fn_status,
    CsrfPolicy, HeaderPolicy, TrustedProxies,
};
use app::api::context::CookiePolicy;
use app::service::Service;
use app::{shell, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Leptos' options: the site's files are named by the build (see `assets`).
pub fn leptos_options(config: &Config, assets: &SiteAssets) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name(crate::assets::OUTPUT_NAME)
        .site_root(assets.root().to_string_lossy().as_ref())
        .site_pkg_dir(crate::assets::PKG_DIR)
        .hash_files(true)
        .hash_file(std::sync::Arc::from(
            assets.hash_file().to_string_lossy().as_ref(),
        ))
        .site_addr(config.addr)
        .env(env)
        .build()
}

/// The console's pages, walked once per process. Walking the app suppresses resource
/// loading process-wide (leptos_server's global `SuppressResourceLoad`): a page being
/// rendered by another router at that moment would wait forever for its data
/// (leptos-rs/leptos#4773). Building the list once, before any router exists, keeps
/// every render out of that window — a server has one router, the tests many.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application for one service, serving the built site `assets`.
pub fn build(config: &Config, service: Service, assets: &SiteAssets) -> Router {
    let options = leptos_options(config, assets);
    let routes = route_list();
    let cookies = CookiePolicy {
        secure: config.secure(),
    };
    let context_service = service.clone();
    let context = move || {
        provide_context(context_service.clone());
        provide_context(cookies);
    };
    let shell_options = options.clone();
    let stylesheet = assets.stylesheet();
    let error_stylesheet = assets.stylesheet();
    let mut router = Router::new();
    if config.dev_mailbox {
        let service = service.clone();
        router = router.route(
            "/dev/mailbox",
            axum::routing::get(move || crate::dev_mailbox::page(service.clone())),
        );
    }
    router
        .leptos_routes_with_context(&options, routes, context, move || {
            shell(shell_options.clone(), stylesheet.clone())
        })
        .merge(assets.pkg_router())
        .fallback(leptos_axum::file_and_error_handler(move |options| {
            shell(options, error_stylesheet.clone())
        }))
        .with_state(options)
        .layer(axum::middleware::from_fn(server_fn_status))
        // Pages (HTML) compressed as the client accepts, at a quality quick enough for
        // every request; `/pkg` is compressed at build time, and data answers (which may
        // carry a secret shown once) stay as they are.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(4))
                .compress_when(|_, _, headers: &http::HeaderMap, _: &http::Extensions| {
                    headers
                        .get(http::header::CONTENT_TYPE)
                        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"))
                }),
        )
        .layer(axum::middleware::from_fn_with_state(
            config.body_policy(),
            read_body_in_time,
        ))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        // The Provisioning API reads its own bodies (too large: its 400, not a bare 413),
        // once the caller is authenticated and before its handler takes a connection.
        .merge(crate::provisioning::router(
            service.clone(),
            config.provisioning_limits(),
            config.body_policy(),
        ))
        .merge(crate::audit_export::router(service.clone(), cookies))
        .merge(crate::users_export::router(service.clone(), cookies))
        .merge(crate::users_import::router(
            service.clone(),
            cookies,
            config.body_policy().read_timeout,
        ))
        .merge(crate::saml::router(service.clone(), cookies))
        .merge(crate::scim::router(service.clone()))
        .layer(TimeoutLayer::with_status_code(
            http::StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(config.request_timeout_secs),
        ))
        .layer(axum::middleware::from_fn_with_state(
            CsrfPolicy::new(config.public_origin()),
            refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            HeaderPolicy {
                secure: config.secure(),
            },
            security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            TrustedProxies::new(&config.trusted_proxies),
            attach_request_meta,
        ))
        .layer(CatchPanicLayer::new())
}
