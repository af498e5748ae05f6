//! The console's server: configuration, the HTTP application and the operator commands.

pub mod bootstrap_cmd;
pub mod config;
pub mod dev_mailbox;
pub mod mailer;
pub mod middleware;
pub mod router;

use app::service::{OsEntropy, Service, ServiceResult, SystemClock};
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
    let service: ServiceResult<Service> = Service::new(
        db,
        config.service_config(),
        Arc::new(SystemClock),
        Arc::new(OsEntropy),
    )
    .await;
    service.map_err(|e| format!("can't start the service: {e}"))
}
