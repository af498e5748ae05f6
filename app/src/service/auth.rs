//! Signing in and out, and resolving a session token to a principal.

use super::authz::{role_and_access, Principal};
use super::crypto::{new_token, random_hex, sha256_hex};
use super::emails;
use super::{
    Actor, AuditRecord, AuditResult, AuditTarget, Permit, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::Refusal;
use crate::domain::{Email, FieldErrors, Policy, ThrottleState, UserStatus};
use crate::store::{NewSession, UserRow};

/// A new session: the token goes into the cookie, and nowhere else.
pub struct SignedIn {
    pub token: String,
    pub user_id: String,
    pub expires_at: i64,
}

/// Passwords longer than this are not hashed at all (they can't be valid: ≤ 128 chars).
pub const NOT_YET_ACTIVE: &str =
    "This account isn't active yet: set your password with the link in your invitation email";
pub const RESET_PENDING: &str =
    "Your password was reset by an administrator: choose a new one with the link we emailed you";
const MAX_PASSWORD_BYTES: usize = 1024;
/// A session's last-seen time is written at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

pub(super) fn account_key(email_normalized: &str) -> String {
    format!("email:{email_normalized}")
}

fn address_key(meta: &RequestMeta) -> String {
    format!("ip:{}", meta.ip)
}

impl Service {
    /// Signs in with email and password. Unknown email and wrong password get the same
    /// answer; both throttles apply before the password is checked.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        previous_token: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<SignedIn> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", Email::parse(email));
        if password.is_empty() {
            errors.add("password", "Password is required");
        }
        errors.into_result()?;
        let Some(email) = email else {
            return Err(ServiceError::Refused(Refusal::InvalidCredentials));
        };
        let normalized = email.normalized();
        let permit = Permit::for_sign_in();

        // Throttles first: a locked key is refused without looking at the password.
        let now = self.now();
        let mut tx = self.db().read(&permit).await?;
        let ip_state = tx.throttle_state(&address_key(meta)).await?;
        let acct_state = tx.throttle_state(&account_key(&normalized)).await?;
        let user = tx.live_user_by_email(&normalized).await?;
        tx.finish().await?;
        for (policy, state) in [
            (Policy::CLIENT_ADDRESS, &ip_state),
            (Policy::ACCOUNT, &acct_state),
        ] {
            if let Some(retry_after) = policy.verdict(state, now).retry_after(now) {
                return Err(ServiceError::Refused(Refusal::SignInThrottled {
                    retry_after,
                }));
            }
        }

        let password = crate::domain::password::normalize(password);
        let verified = if password.len() > MAX_PASSWORD_BYTES {
            None
        } else {
            Some(
                self.inner
                    .hasher
                    .verify(
                        &password,
                        user.as_ref().and_then(|u| u.password_hash.as_deref()),
                    )
                    .await?,
            )
        };
        let can_sign_in = |u: &UserRow| u.enabled && u.status == "active";
        match (user, verified) {
            (Some(user), Some(v)) if v.matched && can_sign_in(&user) => {
                let rehash = if v.needs_rehash {
                    Some(self.inner.hasher.hash(&password).await?)
                } else {
                    None
                };
                self.open_session(user, rehash, previous_token, &normalized, meta)
                    .await
            }
            (user, _) => {
                self.record_failure(user.as_ref(), &normalized, meta)
                    .await?;
                // A user who has no password yet is told where to set it (the issue's
                // "clear error"); everyone else gets the one message.
                let waiting = user.as_ref().filter(|u| u.enabled).and_then(|u| {
                    UserStatus::parse(&u.status).and_then(|s| match s {
                        UserStatus::Pending => Some(NOT_YET_ACTIVE),
                        UserStatus::PasswordResetPending => Some(RESET_PENDING),
                        _ => None,
                    })
                });
                match waiting {
                    Some(message) => Err(ServiceError::invalid("email", message)),
                    None => Err(ServiceError::Refused(Refusal::InvalidCredentials)),
                }
            }
        }
    }

    async fn open_session(
        &self,
        user: UserRow,
        rehash: Option<String>,
        previous_token: Option<&str>,
        normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SignedIn> {
        let permit = Permit::for_sign_in();
        let now = self.now();
        let token = new_token(self.inner.entropy.as_ref());
        let token_hash = sha256_hex(&token);
        let session_id = random_hex(self.inner.entropy.as_ref(), 16);
        let expires_at = now + self.config().session_absolute_secs;
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&user.account_id)?;
        // A new session id at every sign-in; the one the browser came with (if any) ends.
        if let Some(previous) = previous_token {
            tx.delete_session(&sha256_hex(previous)).await?;
        }
        let key = account_key(normalized);
        let mut state = tx.throttle_state(&key).await?;
        Policy::ACCOUNT.record_success(&mut state);
        tx.save_throttle_state(&key, &state).await?;
        if let Some(hash) = &rehash {
            tx.set_user_password_hash(&user.id, hash, now).await?;
        }
        tx.set_user_last_login(&user.id, now).await?;
        tx.insert_session(&NewSession {
            token_hash: &token_hash,
            id: &session_id,
            user_id: &user.id,
            now,
            expires_at,
            ip: &meta.ip.to_string(),
            user_agent: meta.user_agent.as_deref(),
        })
        .await?;
        let record = super::audit::by_user("auth.login_success", &user, now, meta)
            .target(AuditTarget::new("session", &session_id, &user.email));
        tx.commit(&record).await?;
        Ok(SignedIn {
            token,
            user_id: user.id,
            expires_at,
        })
    }

    /// Counts a failure against the address and the account, and audits it (and a
    /// lock-out, when this failure caused one).
    pub(super) async fn record_failure(
        &self,
        user: Option<&UserRow>,
        normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = Permit::for_sign_in();
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let mut locked = Vec::new();
        for (policy, key) in [
            (Policy::CLIENT_ADDRESS, address_key(meta)),
            (Policy::ACCOUNT, account_key(normalized)),
        ] {
            let mut state = tx.throttle_state(&key).await?;
            let was_locked = state.locked_until > now;
            policy.record_failure(&mut state, now);
            if !was_locked && state.locked_until > now {
                locked.push((key.clone(), state));
            }
            tx.save_throttle_state(&key, &state).await?;
        }
        let mut record = AuditRecord::new("auth.login_failure", Actor::Anonymous, now, Some(meta))
            .result(AuditResult::Failure)
            .change(None, Some(serde_json::json!({ "email": normalized })));
        if let Some(u) = user {
            tx.within_account(&u.account_id)?;
            record = record
                .account(&u.account_id)
                .target(AuditTarget::new("user", &u.id, &u.email));
        }
        for (key, state) in &locked {
            let lockout = lockout_record(&record, key, state);
            tx.append_audit(&lockout).await?;
            // The account's owner hears of a lock-out on their account (docs/rules/sign-in.md#throttling).
            if let (Some(u), true) = (user, key.starts_with("email:")) {
                let account = self.account_name(&mut tx).await?;
                let what = format!(
                    "Signing in to your account was locked until {} after repeated failed attempts",
                    emails::utc(state.locked_until)
                );
                let notice = emails::security_notice(
                    &account,
                    &what,
                    &emails::utc(now),
                    &meta.ip.to_string(),
                );
                emails::send_to_user(&mut tx, u, &notice, now).await?;
            }
        }
        tx.commit(&record).await?;
        Ok(())
    }

    /// Resolves a session token to the principal acting in this request. Expired, unknown or
    /// tampered tokens, and users who may no longer sign in, get
    /// [`ServiceError::Refused(Refusal::Unauthenticated)`] — the next request after a force logout
    /// included.
    pub async fn authenticate(&self, token: &str) -> ServiceResult<Principal> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        let permit = Permit::for_session_check();
        let now = self.now();
        let token_hash = sha256_hex(token);
        let mut tx = self.db().read(&permit).await?;
        let Some(session) = tx.session_by_token_hash(&token_hash).await? else {
            tx.finish().await?;
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        let user = tx.user(&session.user_id).await?;
        let assignments = tx.role_assignments_of("user", &session.user_id).await?;
        let (role, environments) = role_and_access(&assignments);
        tx.finish().await?;

        let idle_expired = now >= session.last_seen_at + self.config().session_idle_secs;
        if now >= session.expires_at || idle_expired {
            let mut tx = self.db().write(&permit).await?;
            tx.delete_session(&token_hash).await?;
            tx.commit_bookkeeping(&permit).await?;
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        let (Some(user), Some(role)) = (user, role) else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        if !(user.enabled && user.status == "active") {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        }
        if now - session.last_seen_at >= TOUCH_EVERY_SECS {
            let mut tx = self.db().write(&permit).await?;
            tx.touch_session(&token_hash, now).await?;
            tx.commit_bookkeeping(&permit).await?;
        }
        Ok(Principal {
            kind: super::authz::PrincipalKind::User,
            user_id: user.id,
            account_id: user.account_id,
            email: user.email,
            role,
            environments,
            session_token_hash: token_hash,
            reauthenticated_at: session.reauthenticated_at,
            active_environment_id: session.active_environment_id,
        })
    }

    /// Ends the principal's own session.
    pub async fn sign_out(&self, principal: &Principal, meta: &RequestMeta) -> ServiceResult<()> {
        let permit = principal.own_permit();
        let mut tx = self.db().write(&permit).await?;
        tx.delete_session(&principal.session_token_hash).await?;
        let record = AuditRecord::new("auth.logout", principal.actor(), self.now(), Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new(
                "user",
                &principal.user_id,
                &principal.email,
            ));
        tx.commit(&record).await?;
        Ok(())
    }
}

fn lockout_record(failure: &AuditRecord, key: &str, state: &ThrottleState) -> AuditRecord {
    let mut r = failure.clone();
    r.action = "auth.lockout".into();
    r.after = Some(serde_json::json!({ "throttle": key, "locked_until": state.locked_until }));
    r
}
