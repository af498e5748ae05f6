//! The console's server: configuration, the HTTP application and the operator commands.

pub mod assets;
pub mod audit_export;
pub mod bootstrap_cmd;
pub mod config;
pub mod dev_mailbox;
pub mod export;
pub mod import_cmd;
pub mod mailer;
pub mod middleware;
pub mod provisioning;
pub mod router;
pub mod saml;
pub mod scim;
mod scim_groups;
pub mod scim_schema;
mod scim_users;
mod scim_versions;
pub mod secret_key;
pub mod users_export;
pub mod users_import;

/// mimalloc for the server and everything linking it (tests, benchmarks), for Rust and —
/// by its `override` feature — for the bundled SQLite too: the request path allocates many
/// small values on several threads at once, where glibc's allocator spent a quarter of
/// the CPU. Built without transparent huge pages (`no_thp`): they made it hold memory in
/// 2 MiB steps (see server/Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use app::service::{OsEntropy, Service, ServiceResult, SystemClock};
use app::store::Database;
use std::sync::Arc;

/// Opens the database under the data directory and starts the service on the real clock.
/// The data directory is created readable by its owner only, and so are the database's
/// files; a database whose secrets are sealed under another key is refused.
pub async fn open_service(config: &config::Config) -> Result<Service, String> {
    private_data_dir(&config.data_dir)?;
    let db = Database::open(&config.data_dir).await.map_err(|e| {
        format!(
            "can't open the database in {}: {e}",
            config.data_dir.display()
        )
    })?;
    private_database_files(&config.data_dir);
    let mut service_config = config.service_config();
    service_config.secret_key = secret_key::load(config)?;
    let service: ServiceResult<Service> = Service::new(
        db,
        service_config,
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await;
    let service = service.map_err(|e| format!("can't start the service: {e}"))?;
    if let Some(other) = service
        .sealed_under_another_key()
        .await
        .map_err(|e| format!("can't read the sealed secrets: {e}"))?
    {
        return Err(format!(
            "the secrets in the database are sealed under the key {other}, but this server's key is {}: \
             give the right CONSOLE_SECRET_KEY or CONSOLE_SECRET_KEY_FILE (after an interrupted \
             `server secret-key rotate`, the new key is in secret.key.new)",
            service.config().secret_key.id()
        ));
    }
    Ok(service)
}

/// Creates the data directory `0700` (an existing one open to others is said).
fn private_data_dir(dir: &std::path::Path) -> Result<(), String> {
    let cant =
        |e: std::io::Error| format!("can't create the data directory {}: {e}", dir.display());
    if !dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(0o700);
        }
        builder.create(dir).map_err(cant)?;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir).map_err(cant)?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                "the data directory {} is open to others (mode {:o}): make it 0700",
                dir.display(),
                mode & 0o777
            );
        }
    }
    // The database file is created owner-only before SQLite opens it: its journal files
    // take the database's mode.
    let db = dir.join("console.db");
    if !db.exists() {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        options.open(&db).map_err(cant)?;
    }
    Ok(())
}

/// The database and its journal files, owner-only.
fn private_database_files(dir: &std::path::Path) {
    #[cfg(unix)]
    for name in ["console.db", "console.db-wal", "console.db-shm"] {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        if path.exists() {
            if let Err(e) = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            {
                tracing::warn!("can't make {} owner-only: {e}", path.display());
            }
        }
    }
}
