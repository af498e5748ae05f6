//! The HTTP application: pages and server functions, static files, and the middleware
//! every request passes.

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
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub fn leptos_options(config: &Config) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") | Ok("development") => leptos::config::Env::DEV,
        _ => leptos::config::Env::PROD,
    };
    LeptosOptions::builder()
        .output_name("console")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
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

/// The whole application for one service.
pub fn build(config: &Config, service: Service) -> Router {
    let options = leptos_options(config);
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
            shell(shell_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .layer(axum::middleware::from_fn(server_fn_status))
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
