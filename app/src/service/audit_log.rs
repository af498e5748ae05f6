//! The audit log page (`audit_log.view`; docs/rules/audit.md#the-audit-log-page): filtered
//! pages by keyset, and the export's batches.

use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::audit_query::{AuditFilter, AuditFilterInput, AuditPage, AUDIT_PAGE_SIZE};
use crate::domain::{AuditEntry, Permission};
use crate::store::AuditRow;

/// Records per batch of an export: each batch is one short read, so a slow download never
/// holds a database connection.
pub const EXPORT_BATCH: usize = 1000;

impl Service {
    /// The newest records of the principal's account, newest first (at most 500).
    pub async fn audit_log(
        &self,
        principal: &Principal,
        limit: i64,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AuditEntry>> {
        let limit = usize::try_from(limit.clamp(1, 500)).unwrap_or(200);
        self.audit_batch(principal, &AuditFilter::default(), limit, meta)
            .await
            .map(|rows| rows.into_iter().map(entry).collect())
    }

    /// One page of the audit log page: the filters as typed, checked.
    pub async fn audit_page(
        &self,
        principal: &Principal,
        input: &AuditFilterInput,
        meta: &RequestMeta,
    ) -> ServiceResult<AuditPage> {
        let filter = input.check()?;
        let mut rows = self
            .audit_batch(principal, &filter, AUDIT_PAGE_SIZE + 1, meta)
            .await?;
        let more = rows.len() > AUDIT_PAGE_SIZE;
        rows.truncate(AUDIT_PAGE_SIZE);
        let next = more.then(|| rows.last().map(|r| r.id)).flatten();
        Ok(AuditPage {
            records: rows.into_iter().map(entry).collect(),
            next,
        })
    }

    /// Up to `limit` records matching `filter`, newest first, with their ids (an export
    /// goes on from the last one): one short read.
    pub async fn audit_batch(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        limit: usize,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AuditRow>> {
        let permit = self
            .authorize(principal, Permission::AuditLogView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.audit_page(filter, limit).await?;
        tx.finish().await?;
        Ok(rows)
    }
}

/// A record as the page shows it.
pub fn entry(r: AuditRow) -> AuditEntry {
    AuditEntry {
        id: r.id,
        at: r.at,
        actor: r.actor_label.unwrap_or(r.actor_type),
        action: r.action,
        target: r
            .target_label
            .map(|l| format!("{}: {l}", r.target_type.unwrap_or_default())),
        before: r.before_json,
        after: r.after_json,
        ip: r.ip,
        result: r.result,
        times: r.times,
    }
}

impl Service {
    /// The retention job: removes the records older than `keep_days`, and records in each
    /// account's log what went (`audit.prune`, by `system`). Returns how many went.
    pub async fn prune_audit_log(&self, keep_days: u32) -> ServiceResult<i64> {
        let permit = crate::store::Permit::for_operator();
        let now = self.now();
        let before = now - i64::from(keep_days) * 86_400;
        let mut tx = self.db().write(&permit).await?;
        let counts = tx.prune_audit_log(before).await?;
        let mut total = 0;
        for (account, removed) in &counts {
            total += removed;
            let Some(account) = account else { continue };
            let record = super::AuditRecord::new("audit.prune", super::Actor::System, now, None)
                .account(account)
                .change(
                    None,
                    Some(serde_json::json!({
                        "removed": removed,
                        "older_than": crate::domain::format::iso(before),
                        "retention_days": keep_days,
                    })),
                );
            tx.append_audit(&record).await?;
        }
        tx.commit_bookkeeping(&permit).await?;
        Ok(total)
    }
}
