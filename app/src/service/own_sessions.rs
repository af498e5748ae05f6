//! Your own sessions in My Profile (docs/rules/sign-in.md#your-sessions): the list, *Sign out*
//! one, *Sign out other sessions*.

use super::{
    AuditRecord, AuditResult, AuditTarget, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::profile::SessionSummary;
use crate::domain::{Permission, Refusal};
use crate::store::SessionRow;
use serde_json::json;

impl Service {
    /// The principal's live sessions, newest first; theirs marked.
    pub async fn my_sessions(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<SessionSummary>> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.sessions_of_user(principal.user_id()).await?;
        tx.finish().await?;
        let idle = self.config().session_idle_secs;
        let mut list: Vec<SessionSummary> = rows
            .into_iter()
            .filter(|s| now < s.expires_at && now < s.last_seen_at + idle)
            .map(|s| summary(s, &principal.session_token_hash))
            .collect();
        list.reverse();
        Ok(list)
    }

    /// *Sign out* one of the principal's sessions, by its id. Another user's session id, or
    /// one already ended, is refused the same way (and recorded).
    pub async fn end_my_session(
        &self,
        principal: &Principal,
        session_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let ended = tx
            .delete_session_of_user(principal.user_id(), session_id.trim())
            .await?;
        let mut record = AuditRecord::new("session.end", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new("session", session_id.trim(), "session"));
        if ended == 0 {
            record = record.result(AuditResult::Failure);
            tx.commit(&record).await?;
            return Err(ServiceError::Refused(Refusal::SessionNotFound));
        }
        tx.commit(&record).await?;
        Ok(())
    }

    /// *Sign out other sessions*: every session of the principal's but this one.
    pub async fn end_my_other_sessions(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<u64> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let ended = tx
            .delete_other_sessions_of_user(principal.user_id(), &principal.session_token_hash)
            .await?;
        let record = AuditRecord::new("session.end_others", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new(
                "user",
                principal.user_id(),
                &principal.email,
            ))
            .change(None, Some(json!({ "sessions_ended": ended })));
        tx.commit(&record).await?;
        Ok(ended)
    }
}

fn summary(s: SessionRow, current_hash: &str) -> SessionSummary {
    SessionSummary {
        current: s.token_hash == current_hash,
        device: device(s.user_agent.as_deref()),
        id: s.id,
        ip: s.ip,
        started_at: s.created_at,
        last_seen_at: s.last_seen_at,
    }
}

/// "Firefox on Linux", from the user agent (`woothee`); "Unknown device" without one.
fn device(user_agent: Option<&str>) -> String {
    let parsed = user_agent.and_then(|ua| woothee::parser::Parser::new().parse(ua));
    match parsed {
        Some(r) if r.name != "UNKNOWN" && r.os != "UNKNOWN" => format!("{} on {}", r.name, r.os),
        Some(r) if r.name != "UNKNOWN" => r.name.to_string(),
        _ => "Unknown device".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn a_device_is_named_by_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(device(Some(firefox)), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
        assert_eq!(device(Some(chrome)), "Chrome on Windows 10");
        assert_eq!(device(Some("made-up-agent")), "Unknown device");
        assert_eq!(device(None), "Unknown device");
    }
}
