//! The console's server: configuration, the HTTP application and the operator commands.

pub mod bootstrap_cmd;
pub mod config;
pub mod dev_mailbox;
pub mod mailer;
pub mod middleware;
pub mod provisioning;
pub mod router;

/// mimalloc for the server and everything linking it (tests, benchmarks), for Rust and —
/// by its `override` feature — for the bundled SQLite too: the request path allocates many
/// small values on several threads at once, where glibc's allocator spent a quarter of
/// the CPU.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use app::service::{OsEntropy, SecretKey, Service, ServiceResult, SystemClock};
use app::store::Database;
use std::sync::Arc;

/// Opens the database under the data directory and starts the service on the real clock.
pub async fn open_service(config: &config::Config) -> Result<Service, String> {
    std::fs::create_dir_all(&config.data_dir).map_err(|e| {
        format!(
            "can't create the data directory {}: {e}",
            config.data_dir.display()
        )
    })?;
    let db = Database::open(&config.data_dir).await.map_err(|e| {
        format!(
            "can't open the database in {}: {e}",
            config.data_dir.display()
        )
    })?;
    let mut service_config = config.service_config();
    service_config.secret_key = secret_key(config)?;
    let service: ServiceResult<Service> = Service::new(
        db,
        service_config,
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await;
    service.map_err(|e| format!("can't start the service: {e}"))
}

/// The sealing key: `CONSOLE_SECRET_KEY`, else `secret.key` in the data directory
/// (created on first start, readable by the owner only).
fn secret_key(config: &config::Config) -> Result<SecretKey, String> {
    if let Some(hex) = &config.secret_key {
        return SecretKey::from_hex(hex).map_err(|e| format!("CONSOLE_SECRET_KEY: {e}"));
    }
    let path = config.data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(s) => SecretKey::from_hex(&s).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = SecretKey::random();
            write_private(&path, &key.to_hex())
                .map_err(|e| format!("can't write {}: {e}", path.display()))?;
            tracing::info!(
                "created the server key {}; back it up with the database",
                path.display()
            );
            Ok(key)
        }
        Err(e) => Err(format!("can't read {}: {e}", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}
