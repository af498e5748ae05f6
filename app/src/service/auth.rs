//! Signing in and out, and resolving a session token to a principal.

use super::authz::Principal;
use super::crypto::{new_token, random_hex, sha256_hex};
use super::second_factor::SecondStep;
use super::{AuditRecord, AuditTarget, Permit, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::Refusal;
use crate::domain::{Email, FieldErrors};
use crate::store::{AccessPolicy, NewSession, Tx, UserRow};

/// A new session: the token goes into the cookie, and nowhere else.
pub struct SignedIn {
    pub token: String,
    pub user_id: String,
    pub expires_at: i64,
    /// The account requires a second factor the user hasn't set up: the session may do
    /// nothing else until one is.
    pub must_enrol_two_factor: bool,
}

/// Where a right password leads.
pub enum SignInStep {
    SignedIn(SignedIn),
    /// The user has a second factor: a code is asked for next.
    SecondFactor(SecondStep),
}

impl SignInStep {
    /// The session, when no second step was asked for.
    pub fn signed_in(self) -> Option<SignedIn> {
        match self {
            SignInStep::SignedIn(s) => Some(s),
            SignInStep::SecondFactor(_) => None,
        }
    }
}

/// Passwords longer than this are not hashed at all (they can't be valid: ≤ 128 chars).
const MAX_PASSWORD_BYTES: usize = 1024;

impl Service {
    /// Signs in with email and password. One answer for an unknown email, a wrong
    /// password and a user who can't sign in (docs/rules/sign-in.md#sign-in); the try is
    /// checked against both throttles and counted before the password is verified. A user
    /// with a second factor gets the second step's ticket instead of a session.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        previous_token: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<SignInStep> {
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
        let admitted = self.admit_try(&normalized, meta).await?;
        let password = crate::domain::password::normalize(password);
        let stored = admitted
            .user
            .as_ref()
            .and_then(|u| u.password_hash.as_deref());
        let verified = if password.len() > MAX_PASSWORD_BYTES {
            None
        } else {
            Some(self.inner.hasher.verify(&password, stored).await?)
        };
        let can_sign_in = |u: &UserRow| u.enabled && u.status == "active";
        match (&admitted.user, verified) {
            (Some(user), Some(v)) if v.matched && can_sign_in(user) => {
                let rehash = if v.needs_rehash {
                    Some(self.inner.hasher.hash(&password).await?)
                } else {
                    None
                };
                let user = user.clone();
                self.after_password(user, rehash, previous_token, &normalized, meta)
                    .await
            }
            _ => {
                self.record_failed_try(&admitted, &normalized, meta).await?;
                Err(ServiceError::Refused(Refusal::InvalidCredentials))
            }
        }
    }

    /// A right password: a session, or the second step for a user with a second factor
    /// (the try is given back, but the failures in a row stay until the code is right).
    async fn after_password(
        &self,
        user: UserRow,
        rehash: Option<String>,
        previous_token: Option<&str>,
        normalized: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SignInStep> {
        let permit = Permit::for_sign_in();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&user.account_id)?;
        let (mut tx, policy) = self.refuse_blocked_address(tx, &user, meta).await?;
        // SAML enforced: only Master admins sign in with a password (told so only once the
        // password was right, so the answer says nothing about an unknown email).
        if Self::must_use_sso(&mut tx, &user).await? {
            self.give_back_try(&mut tx, normalized, meta).await?;
            let record = super::audit::by_user("auth.login_refused", &user, self.now(), meta)
                .result(super::AuditResult::Denied)
                .change(None, Some(serde_json::json!({ "reason": "sso_required" })));
            tx.commit(&record).await?;
            return Err(Refusal::SsoRequired.into());
        }
        if let Some(hash) = &rehash {
            tx.set_user_password_hash(&user.id, hash, self.now())
                .await?;
        }
        if has_factor(&mut tx, &user.id).await? {
            self.give_back_count(&mut tx, normalized, meta).await?;
            let step = self.begin_second_step(&mut tx, &user).await?;
            tx.commit_bookkeeping(&permit).await?;
            return Ok(SignInStep::SecondFactor(step));
        }
        self.give_back_try(&mut tx, normalized, meta).await?;
        let signed = self
            .finish_sign_in(tx, &policy, &user, Proof::Password, previous_token, meta)
            .await?;
        Ok(SignInStep::SignedIn(signed))
    }

    /// Opens the session of a user proven at sign-in, in the transaction that proved it
    /// (`policy`: the account's, read in it):
    /// by password alone (the user has no second factor, so the account may require them
    /// to set one up), by password and the second factor named (recorded), or by SAML (the
    /// identity provider is trusted: no second step, nothing to set up).
    pub(super) async fn finish_sign_in(
        &self,
        mut tx: Tx,
        policy: &AccessPolicy,
        user: &UserRow,
        proof: Proof<'_>,
        previous_token: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<SignedIn> {
        let now = self.now();
        let token = new_token(self.inner.entropy.as_ref());
        let token_hash = sha256_hex(&token);
        let session_id = random_hex(self.inner.entropy.as_ref(), 16);
        let (_, absolute) = self.lifetimes(policy);
        let expires_at = now + absolute;
        // A new session id at every sign-in; the one the browser came with (if any) ends.
        if let Some(previous) = previous_token {
            tx.delete_session(&sha256_hex(previous)).await?;
        }
        let must_enrol = proof == Proof::Password && policy.require_two_factor;
        tx.set_user_last_login(&user.id, now).await?;
        tx.insert_session(&NewSession {
            token_hash: &token_hash,
            id: &session_id,
            user_id: &user.id,
            now,
            expires_at,
            ip: &meta.ip.to_string(),
            user_agent: meta.user_agent.as_deref(),
            must_enrol_two_factor: must_enrol,
            method: if proof == Proof::Saml {
                "saml"
            } else {
                "password"
            },
        })
        .await?;
        let mut record = super::audit::by_user("auth.login_success", user, now, meta)
            .target(AuditTarget::new("session", &session_id, &user.email));
        match proof {
            Proof::Password => {}
            Proof::PasswordAnd(method) => {
                record = record.change(None, Some(serde_json::json!({ "second_factor": method })));
            }
            Proof::Saml => {
                record = record.change(None, Some(serde_json::json!({ "method": "saml" })));
            }
        }
        tx.commit(&record).await?;
        Ok(SignedIn {
            token,
            user_id: user.id.clone(),
            expires_at,
            must_enrol_two_factor: must_enrol,
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

/// How a user proved who they are at sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proof<'a> {
    Password,
    /// The password and the second factor named (`totp`, `recovery_code`).
    PasswordAnd(&'a str),
    Saml,
}

/// Whether the user has a confirmed second factor.
pub(super) async fn has_factor(tx: &mut Tx, user_id: &str) -> ServiceResult<bool> {
    Ok(tx
        .two_factor_of(user_id)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some()))
}
