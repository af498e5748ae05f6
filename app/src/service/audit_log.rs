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

    /// One page of the audit log page: the filters as typed, checked; times in the viewer's
    /// time zone (theirs from My Profile, else `browser_zone`, else UTC).
    pub async fn audit_page(
        &self,
        principal: &Principal,
        input: &AuditFilterInput,
        browser_zone: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AuditPage> {
        let filter = input.check()?;
        let mut rows = self
            .audit_batch(principal, &filter, AUDIT_PAGE_SIZE + 1, meta)
            .await?;
        let more = rows.len() > AUDIT_PAGE_SIZE;
        rows.truncate(AUDIT_PAGE_SIZE);
        let next = more.then(|| rows.last().map(|r| r.id)).flatten();
        let (name, zone) = self.viewer_zone(principal, browser_zone).await?;
        Ok(AuditPage {
            records: rows
                .into_iter()
                .map(|r| {
                    let mut e = entry(r);
                    e.when = in_zone(e.at, &zone);
                    e
                })
                .collect(),
            next,
            time_zone: name,
        })
    }

    /// The zone the principal sees times in, and its name.
    async fn viewer_zone(
        &self,
        principal: &Principal,
        browser_zone: &str,
    ) -> ServiceResult<(String, jiff::tz::TimeZone)> {
        let permit = principal.own_permit();
        let mut tx = self.db().read(&permit).await?;
        let saved = tx
            .user(principal.user_id())
            .await?
            .and_then(|u| u.time_zone);
        tx.finish().await?;
        let found = [saved.as_deref(), Some(browser_zone.trim())]
            .into_iter()
            .flatten()
            .filter(|n| !n.is_empty())
            .find_map(|n| jiff::tz::TimeZone::get(n).ok().map(|z| (n.to_string(), z)));
        Ok(found.unwrap_or_else(|| ("UTC".to_string(), jiff::tz::TimeZone::UTC)))
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

    /// An export's start: how many records match `filter` and the first `limit` of them,
    /// read together (one snapshot, so the count is what the export then walks through).
    pub async fn audit_export_start(
        &self,
        principal: &Principal,
        filter: &AuditFilter,
        limit: usize,
        meta: &RequestMeta,
    ) -> ServiceResult<(u64, Vec<AuditRow>)> {
        let permit = self
            .authorize(principal, Permission::AuditLogView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let total = tx.audit_count(filter).await?;
        let rows = tx.audit_page(filter, limit).await?;
        tx.finish().await?;
        Ok((total, rows))
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
        when: String::new(),
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

/// `2026-11-28 10:30:00 CET`: a time in a zone, to the second.
fn in_zone(at: i64, zone: &jiff::tz::TimeZone) -> String {
    jiff::Timestamp::from_second(at)
        .map(|t| {
            t.to_zoned_datetime(zone.clone())
                .strftime("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::in_zone;

    #[test]
    fn a_time_is_shown_in_the_viewers_zone_with_daylight_saving() {
        let paris = jiff::tz::TimeZone::get("Europe/Paris").unwrap();
        // 2026-11-28T09:30:00Z is winter time in Paris, 2026-07-01T09:30:00Z summer time.
        assert_eq!(in_zone(1_795_858_200, &paris), "2026-11-28 10:30:00 CET");
        assert_eq!(in_zone(1_782_898_200, &paris), "2026-07-01 11:30:00 CEST");
        assert_eq!(
            in_zone(1_795_858_200, &jiff::tz::TimeZone::UTC),
            "2026-11-28 09:30:00 UTC"
        );
    }
}
