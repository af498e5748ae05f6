//! Every console request: the session token to the principal, under the account's access
//! policy — its allowed IP addresses and session lifetimes (docs/rules/account-security.md).

use super::authz::{role_and_access, Principal, PrincipalKind};
use super::crypto::sha256_hex;
use super::{
    Actor, AuditRecord, AuditResult, Permit, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::ip_allowlist::allows;
use crate::domain::Refusal;
use crate::store::{AccessPolicy, Tx};

/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

impl Service {
    /// Resolves a session token to the principal acting in this request. Expired, unknown or
    /// tampered tokens, and users who may no longer sign in, get
    /// [`ServiceError::Refused(Refusal::Unauthenticated)`] — the next request after a force logout
    /// included. A request from an address the account doesn't allow ends the session and is
    /// refused ([`Refusal::AddressNotAllowed`]).
    pub async fn authenticate(&self, token: &str, meta: &RequestMeta) -> ServiceResult<Principal> {
        let unauthenticated = || ServiceError::Refused(Refusal::Unauthenticated);
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(unauthenticated());
        }
        let permit = Permit::for_session_check();
        let now = self.now();
        let token_hash = sha256_hex(token);
        let mut tx = self.db().read(&permit).await?;
        let Some(session) = tx.session_by_token_hash(&token_hash).await? else {
            tx.finish().await?;
            return Err(unauthenticated());
        };
        let user = tx.user(&session.user_id).await?;
        let assignments = tx.role_assignments_of("user", &session.user_id).await?;
        let (role, environments) = role_and_access(&assignments);
        let policy = match &user {
            Some(u) => {
                tx.within_account(&u.account_id)?;
                tx.access_policy().await?
            }
            None => AccessPolicy::default(),
        };
        tx.finish().await?;

        let (idle, absolute) = self.lifetimes(&policy);
        let expired = now >= session.expires_at
            || now >= session.created_at + absolute
            || now >= session.last_seen_at + idle;
        let blocked = !allows(&policy.allowed_ips, meta.ip);
        if expired || blocked {
            let mut tx = self.db().write(&permit).await?;
            tx.delete_session(&token_hash).await?;
            match (&user, blocked) {
                (Some(u), true) => {
                    tx.within_account(&u.account_id)?;
                    let actor = Actor::User {
                        id: u.id.clone(),
                        email: u.email.clone(),
                    };
                    let record = address_refused(actor, &u.account_id, now, meta);
                    tx.commit(&record).await?;
                    return Err(Refusal::AddressNotAllowed {
                        ip: meta.ip.to_canonical().to_string(),
                    }
                    .into());
                }
                _ => tx.commit_bookkeeping(&permit).await?,
            }
            return Err(unauthenticated());
        }
        let (Some(user), Some(role)) = (user, role) else {
            return Err(unauthenticated());
        };
        if !(user.enabled && user.status == "active") {
            return Err(unauthenticated());
        }
        if now - session.last_seen_at >= TOUCH_EVERY_SECS {
            let mut tx = self.db().write(&permit).await?;
            tx.touch_session(&token_hash, now).await?;
            tx.commit_bookkeeping(&permit).await?;
        }
        Ok(Principal {
            kind: PrincipalKind::User,
            user_id: user.id,
            account_id: user.account_id,
            email: user.email,
            role,
            environments,
            session_token_hash: token_hash,
            reauthenticated_at: session.reauthenticated_at,
            active_environment_id: session.active_environment_id,
            must_enrol_two_factor: session.must_enrol_two_factor,
        })
    }

    /// The account's session lifetimes in seconds (idle, absolute): its own, else the
    /// operator's.
    pub(super) fn lifetimes(&self, policy: &AccessPolicy) -> (i64, i64) {
        (
            policy
                .session_idle_minutes
                .map_or(self.config().session_idle_secs, |m| m * 60),
            policy
                .session_absolute_hours
                .map_or(self.config().session_absolute_secs, |h| h * 3600),
        )
    }

    /// Refuses, and records, a sign-in from an address the account doesn't allow (after its
    /// password was found right, so the answer tells nothing about an unknown email).
    /// Allowed: the transaction, and the account's policy it read (for the session).
    pub(super) async fn refuse_blocked_address(
        &self,
        mut tx: Tx,
        user: &crate::store::UserRow,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, AccessPolicy)> {
        let policy = tx.access_policy().await?;
        if allows(&policy.allowed_ips, meta.ip) {
            return Ok((tx, policy));
        }
        let actor = Actor::User {
            id: user.id.clone(),
            email: user.email.clone(),
        };
        let record = address_refused(actor, &user.account_id, self.now(), meta);
        tx.commit(&record).await?;
        Err(Refusal::AddressNotAllowed {
            ip: meta.ip.to_canonical().to_string(),
        }
        .into())
    }
}

/// `access.address_refused`: a request from an address the account doesn't allow (repeats
/// within a minute are one record).
pub(super) fn address_refused(
    actor: Actor,
    account_id: &str,
    now: i64,
    meta: &RequestMeta,
) -> AuditRecord {
    let ip = meta.ip.to_canonical().to_string();
    let key = format!("address_refused:{}:{ip}", actor.id().unwrap_or("-"));
    AuditRecord::new("access.address_refused", actor, now, Some(meta))
        .account(account_id)
        .result(AuditResult::Denied)
        .change(None, Some(serde_json::json!({ "ip": ip })))
        .repeating(&key)
}
