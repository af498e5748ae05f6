//! The audit log (docs/rules/audit.md#the-audit-log-page). The export is a plain download
//! (`GET /api/audit_log/export`), served by the server's router.

use super::ConsoleError;
use crate::domain::audit_query::AuditPage;
use crate::domain::AuditEntry;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

/// The newest 200 records, newest first.
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log() -> Result<Vec<AuditEntry>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .audit_log(&p, 200, &req.meta)
        .await
        .or_api(&req.meta)
}

/// One page of records matching the filters (times in Unix seconds), after the cursor.
#[server(prefix = "/api", endpoint = "audit_page")]
pub async fn audit_records_page(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] actor: String,
    #[server(default)] action: String,
    #[server(default)] target: String,
    #[server(default)] after: String,
    #[server(default)] browser_zone: String,
) -> Result<AuditPage, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = crate::domain::audit_query::AuditFilterInput {
        from,
        to,
        actor,
        action,
        target,
        after,
    };
    req.service
        .audit_page(&p, &input, &browser_zone, &req.meta)
        .await
        .or_api(&req.meta)
}
