//! Account security (`security.view`, `security.manage`; docs/rules/account-security.md):
//! requiring two-factor authentication, allowed IP addresses, session lifetimes, signing out
//! every user.

use super::{
    AuditRecord, AuditResult, AuditTarget, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::account::{AccountSecurity, SESSION_ABSOLUTE_HOURS, SESSION_IDLE_MINUTES};
use crate::domain::{ip_allowlist, FieldErrors, Permission};
use serde_json::json;

impl Service {
    pub async fn account_security(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let without_factor = tx.active_users_without_two_factor().await?;
        let policy = tx.access_policy().await?;
        tx.finish().await?;
        let (idle, absolute) = self.lifetimes(&policy);
        Ok(AccountSecurity {
            require_two_factor: policy.require_two_factor,
            users_without_two_factor: without_factor,
            allowed_ips: policy.allowed_ips,
            your_address: meta.ip.to_canonical().to_string(),
            session_idle_minutes: idle / 60,
            session_absolute_hours: absolute / 3600,
        })
    }

    /// The account's allowed IP addresses (re-authenticated), one entry per line. Each bad
    /// entry is named; a list without the saver's own address is refused; nothing is
    /// saved unless all of it is right.
    pub async fn set_allowed_ips(
        &self,
        principal: &Principal,
        lines: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let mut e = FieldErrors::new();
        let list = ip_allowlist::validate(ip_allowlist::parse_lines(lines), "allowed_ips", &mut e);
        ip_allowlist::guard_own_address(&list, meta.ip, "allowed_ips", &mut e);
        if !e.is_empty() {
            let record = security_record("security.update", principal, self.now(), meta)
                .result(AuditResult::Failure)
                .change(None, Some(json!({ "allowed_ips": lines, "errors": e.0.iter().map(|f| &f.message).collect::<Vec<_>>() })));
            let tx = self.db().write(&permit).await?;
            tx.commit(&record).await?;
            return Err(ServiceError::Invalid(e));
        }
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = tx.access_policy().await?.allowed_ips;
        tx.set_allowed_ips(&list, now).await?;
        let record = security_record("security.update", principal, now, meta).change(
            Some(json!({ "allowed_ips": before })),
            Some(json!({ "allowed_ips": list })),
        );
        tx.commit(&record).await?;
        self.account_security(principal, meta).await
    }

    /// The account's session lifetimes (re-authenticated): idle 15–480 minutes, absolute
    /// 1–72 hours. Open sessions follow at their next request.
    pub async fn set_session_lifetimes(
        &self,
        principal: &Principal,
        idle_minutes: &str,
        absolute_hours: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let mut e = FieldErrors::new();
        let idle = e.check(
            "session_idle_minutes",
            whole_in(idle_minutes, SESSION_IDLE_MINUTES, "minutes"),
        );
        let absolute = e.check(
            "session_absolute_hours",
            whole_in(absolute_hours, SESSION_ABSOLUTE_HOURS, "hours"),
        );
        e.into_result()?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = tx.access_policy().await?;
        let (old_idle, old_absolute) = self.lifetimes(&before);
        let (idle, absolute) = (idle.flatten(), absolute.flatten());
        tx.set_session_lifetimes(idle, absolute, now).await?;
        let record = security_record("security.update", principal, now, meta).change(
            Some(json!({ "session_idle_minutes": old_idle / 60, "session_absolute_hours": old_absolute / 3600 })),
            Some(json!({ "session_idle_minutes": idle, "session_absolute_hours": absolute })),
        );
        tx.commit(&record).await?;
        self.account_security(principal, meta).await
    }

    /// *Require two-factor authentication* on or off (re-authenticated). It applies at each
    /// user's next sign-in.
    pub async fn set_require_two_factor(
        &self,
        principal: &Principal,
        required: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<AccountSecurity> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let before = tx.account_requires_two_factor().await?;
        tx.set_require_two_factor(required, now).await?;
        let record = security_record("security.update", principal, now, meta).change(
            Some(json!({ "require_two_factor": before })),
            Some(json!({ "require_two_factor": required })),
        );
        tx.commit(&record).await?;
        self.account_security(principal, meta).await
    }

    /// *Sign out all users*: every session of the account ends but the actor's own.
    pub async fn sign_out_all_users(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<u64> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let ended = tx
            .delete_account_sessions_but(&principal.session_token_hash)
            .await?;
        let record = security_record("security.sign_out_all", principal, now, meta)
            .change(None, Some(json!({ "sessions_ended": ended })));
        tx.commit(&record).await?;
        Ok(ended)
    }
}

/// A record of a change to the principal's Account security.
fn security_record(
    action: &str,
    principal: &Principal,
    now: i64,
    meta: &RequestMeta,
) -> AuditRecord {
    AuditRecord::new(action, principal.actor(), now, Some(meta))
        .account(principal.account_id())
        .target(AuditTarget::new(
            "account",
            principal.account_id(),
            "Account security",
        ))
}

/// A whole number typed into a field, within `range` (`unit` names it in the message).
fn whole_in(
    typed: &str,
    range: std::ops::RangeInclusive<i64>,
    unit: &str,
) -> Result<Option<i64>, String> {
    let bad = || {
        format!(
            "Enter a whole number of {unit} from {} to {}",
            range.start(),
            range.end()
        )
    };
    let n: i64 = typed.trim().parse().map_err(|_| bad())?;
    if range.contains(&n) {
        Ok(Some(n))
    } else {
        Err(bad())
    }
}

impl Service {
    /// `server allowed-ips clear`: the operator empties an account's allowed IP addresses
    /// (the only account when `account_id` is `None`) — for administrators locked out.
    /// Returns the account and how many entries it had.
    pub async fn clear_allowed_ips_as_operator(
        &self,
        account_id: Option<&str>,
    ) -> ServiceResult<(String, usize)> {
        let account_id = self.operator_account(account_id).await?;
        let permit = crate::store::Permit::for_operator();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&account_id)?;
        let now = self.now();
        let before = tx.access_policy().await?.allowed_ips;
        tx.set_allowed_ips(&[], now).await?;
        let record = AuditRecord::new("security.update", super::Actor::Operator, now, None)
            .account(&account_id)
            .target(AuditTarget::new("account", &account_id, "Account security"))
            .change(
                Some(json!({ "allowed_ips": before })),
                Some(json!({ "allowed_ips": [] })),
            );
        tx.commit(&record).await?;
        Ok((account_id, before.len()))
    }
}
