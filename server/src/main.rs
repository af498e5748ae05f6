use clap::Parser;
use server::config::{
    AccountApiKeyCommand, AllowedIpsCommand, Cli, Command, ScimTokenCommand, SeatsCommand,
    SecretKeyCommand, SiteCommand, UsersCommand,
};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match cli.command {
        None | Some(Command::Serve) => serve(cli.config).await,
        Some(Command::Bootstrap {
            account_name,
            email,
            plan,
        }) => server::bootstrap_cmd::run(&cli.config, account_name, email, plan)
            .await
            .map(|line| println!("{line}")),
        Some(Command::Outbox { to, limit }) => {
            server::bootstrap_cmd::outbox(&cli.config, to, limit).await
        }
        Some(Command::SecretKey(SecretKeyCommand::Rotate)) => {
            server::secret_key::rotate(&cli.config)
                .await
                .map(|line| println!("{line}"))
        }
        Some(Command::AllowedIps(AllowedIpsCommand::Clear { account_id })) => {
            server::bootstrap_cmd::clear_allowed_ips(&cli.config, account_id.as_deref())
                .await
                .map(|line| println!("{line}"))
        }
        Some(Command::ScimToken(ScimTokenCommand::Create { name, account_id })) => {
            server::bootstrap_cmd::create_scim_token(&cli.config, &name, account_id.as_deref())
                .await
                .map(|line| println!("{line}"))
        }
        Some(Command::Users(UsersCommand::Import {
            file,
            report,
            account_id,
        })) => {
            server::import_cmd::run(&cli.config, &file, report.as_deref(), account_id.as_deref())
                .await
                .map(|line| println!("{line}"))
        }
        Some(Command::Seats(SeatsCommand::Set { count, account_id })) => {
            server::bootstrap_cmd::set_seats(&cli.config, count, account_id.as_deref())
                .await
                .map(|line| println!("{line}"))
        }
        Some(Command::Saml(command)) => server::bootstrap_cmd::saml_set(&cli.config, command)
            .await
            .map(|line| println!("{line}")),
        Some(Command::Site(SiteCommand::CompressChunks)) => {
            let config = cli.config.clone();
            tokio::task::spawn_blocking(move || compress_chunks(&config))
                .await
                .unwrap_or_else(|e| Err(format!("compressing the chunks stopped: {e}")))
        }
        Some(Command::AccountApiKey(AccountApiKeyCommand::Create { name, account_id })) => {
            server::bootstrap_cmd::create_account_api_key(&cli.config, &name, account_id.as_deref())
                .await
                .map(|line| println!("{line}"))
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `server site compress-chunks`: the built site's chunks against its main WASM (file
/// reading and Zstandard: on the blocking pool).
fn compress_chunks(config: &server::config::Config) -> Result<(), String> {
    let assets = server::assets::SiteAssets::load(std::path::Path::new(&config.site_root))
        .map_err(|e| e.to_string())?;
    let done = assets.compress_chunks().map_err(|e| e.to_string())?;
    println!(
        "{} chunks compressed against the main WASM: {:.1} KB (brotli alone {:.1} KB)",
        done.files,
        done.dcz_bytes as f64 / 1000.0,
        done.brotli_bytes as f64 / 1000.0
    );
    Ok(())
}

async fn serve(config: server::config::Config) -> Result<(), String> {
    // The built site first: a server whose pages would name missing files doesn't start.
    let assets = server::assets::SiteAssets::load(std::path::Path::new(&config.site_root))
        .map_err(|e| e.to_string())?;
    let service = server::open_service(&config).await?;
    let fresh = service
        .prepare_setup(config.setup_token.clone())
        .await
        .map_err(|e| e.to_string())?;
    match fresh {
        // The one secret the console prints on purpose: whoever reads the server log
        // may claim a fresh installation.
        Some(token) => tracing::warn!(
            "No account exists yet. Open http://{}/setup and enter the one-time setup token: {token}",
            config.addr
        ),
        // The operator's own token is theirs: never printed.
        None if config.setup_token.is_some() && service.setup_required().await.unwrap_or(false) => {
            tracing::warn!(
                "No account exists yet. Open http://{}/setup and enter the token set in CONSOLE_SETUP_TOKEN",
                config.addr
            )
        }
        None => {}
    }
    spawn_audit_retention(service.clone(), config.audit_retention_days);
    spawn_saml_metadata_refresh(service.clone());
    match config.smtp_url.as_deref() {
        Some(url) => {
            server::mailer::Mailer::new(url, &config.smtp_from)?
                .spawn(service.clone(), config.outbox_keep_days);
            tracing::info!("emails are delivered over SMTP");
        }
        None => tracing::info!(
            "no CONSOLE_SMTP_URL: emails stay in the outbox (read them with `server outbox`)"
        ),
    }
    for warning in config.warnings() {
        tracing::warn!("{warning}");
    }
    if cfg!(debug_assertions) {
        tracing::warn!(
            "a development build (`make run`): unoptimized, its WASM uncompressed; deploy a release build (`make run-release`, target/release/server)"
        );
    }
    if config.dev_mailbox {
        tracing::warn!("the development mailbox is on: /dev/mailbox shows every email");
    }
    let app = server::router::build(&config, service, &assets);
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| format!("can't listen on {}: {e}", config.addr))?;
    tracing::info!("the console is listening on http://{}", config.addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .map_err(|e| format!("server error: {e}"))
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// SAML metadata given by URL, fetched again when a day old: checked at start, then hourly.
fn spawn_saml_metadata_refresh(service: app::service::Service) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = service.refresh_saml_metadata().await {
                tracing::error!(error = %e, "refreshing SAML metadata failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

/// The audit log's retention job: at start, then once a day.
fn spawn_audit_retention(service: app::service::Service, keep_days: u32) {
    tokio::spawn(async move {
        loop {
            match service.prune_audit_log(keep_days).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("removed {n} audit records older than {keep_days} days"),
                Err(e) => tracing::error!(error = %e, "pruning the audit log failed"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(86_400)).await;
        }
    });
}
