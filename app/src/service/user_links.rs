//! Emailed links that set a password: an invitation, an admin reset and "Forgot your
//! password?" (docs/rules/email.md). Tokens are 256-bit, stored as SHA-256, single-use, and die
//! when superseded, when the user is disabled or deleted, or once the password is set.

use super::crypto::{new_token, sha256_hex};
use super::emails;
use super::{AuditRecord, AuditTarget, Permit, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::audit::Actor;
use crate::domain::Refusal;
use crate::domain::{password, Email, LinkPurpose, UserStatus};
use crate::store::{Tx, UserRow, UserTokenRow};
use serde_json::json;

pub const LINK_INVALID: &str =
    "This link is invalid or has expired. Ask an administrator to send a new one.";
pub const FORGOT_PASSWORD_ANSWER: &str =
    "If an account exists for this email, we've sent it a link to choose a new password.";
/// *Forgot your password?* from one address: 20 requests an hour, then none for an hour.
const FORGOT_PER_ADDRESS: crate::domain::Policy = crate::domain::Policy {
    free_failures: u32::MAX,
    max_delay: 0,
    lock_after: 20,
    window: 3600,
    lock_for: Some(3600),
};
const ADMIN_RESET_VALID_SECS: i64 = 24 * 3600;
const FORGOT_PASSWORD_VALID_SECS: i64 = 3600;
/// At most this many "Forgot your password?" emails per user per hour; more are dropped
/// silently (the answer never changes).
const FORGOT_PASSWORD_PER_HOUR: i64 = 3;

/// How long a link of each purpose works.
const fn valid_secs(purpose: LinkPurpose) -> i64 {
    match purpose {
        LinkPurpose::Invitation => super::users::INVITATION_VALID_SECS,
        LinkPurpose::AdminReset => ADMIN_RESET_VALID_SECS,
        LinkPurpose::ForgotPassword => FORGOT_PASSWORD_VALID_SECS,
    }
}

impl Service {
    /// Voids the user's open links and writes a new one; returns the console URL to email.
    pub(super) async fn new_link(
        &self,
        tx: &mut Tx,
        user_id: &str,
        purpose: LinkPurpose,
        now: i64,
    ) -> ServiceResult<String> {
        tx.delete_user_tokens(user_id).await?;
        let token = new_token(self.inner.entropy.as_ref());
        tx.insert_user_token(&UserTokenRow {
            token_hash: sha256_hex(&token),
            user_id: user_id.to_string(),
            purpose: purpose.as_str().into(),
            created_at: now,
            expires_at: now + valid_secs(purpose),
        })
        .await?;
        Ok(self.link(&format!("{}?token={token}", purpose.page())))
    }

    /// The user a live link belongs to, if it still works.
    async fn link_user(&self, token: &str) -> ServiceResult<(LinkPurpose, UserRow, String)> {
        let permit = Permit::for_link_redemption();
        let now = self.now();
        let mut tx = self.db().read(&permit).await?;
        let found = tx.user_token(&sha256_hex(token.trim())).await?;
        let user = match &found {
            Some(t) => tx.user(&t.user_id).await?,
            None => None,
        };
        let account = match &user {
            Some(u) => {
                tx.within_account(&u.account_id)?;
                tx.account_row().await?
            }
            None => None,
        };
        tx.finish().await?;
        let (Some(t), Some(user), Some(account)) = (found, user, account) else {
            return Err(ServiceError::invalid("token", LINK_INVALID));
        };
        let purpose = LinkPurpose::parse(&t.purpose)
            .filter(|_| t.expires_at > now && user.enabled)
            .filter(|p| user.status == p.expected_status().as_str())
            .ok_or_else(|| ServiceError::invalid("token", LINK_INVALID))?;
        Ok((purpose, user, account.name))
    }

    /// What a link is for, while it works (the page shows the right form, or says at
    /// once that the link is dead).
    pub async fn link_purpose(&self, token: &str) -> ServiceResult<LinkPurpose> {
        self.link_user(token).await.map(|(p, _, _)| p)
    }

    /// Sets a password from an emailed link, by whoever holds the link: the user becomes
    /// `active`, every open link of theirs dies and every session of theirs ends.
    pub async fn set_password_from_link(
        &self,
        token: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<LinkPurpose> {
        let (purpose, user, account_name) = self.link_user(token).await?;
        let context = [
            user.email.as_str(),
            account_name.as_str(),
            user.name.as_deref().unwrap_or(""),
            user.first_name.as_deref().unwrap_or(""),
            user.last_name.as_deref().unwrap_or(""),
        ];
        password::check(new_password, &context)
            .map_err(|m| ServiceError::invalid("password", m))?;
        let hash = self
            .inner
            .hasher
            .hash(&password::normalize(new_password))
            .await?;

        let permit = Permit::for_link_redemption();
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&user.account_id)?;
        // The link may have been used, superseded or voided while the password was hashed.
        let still = tx.user_token(&sha256_hex(token.trim())).await?;
        let current = tx.user(&user.id).await?;
        let live = still.is_some()
            && current.is_some_and(|u| u.enabled && u.status == purpose.expected_status().as_str());
        if !live {
            tx.finish().await?;
            return Err(ServiceError::invalid("token", LINK_INVALID));
        }
        tx.activate_user_with_password(&user.id, &hash, now).await?;
        tx.delete_user_tokens(&user.id).await?;
        let sessions_ended = tx.delete_sessions_of_user(&user.id).await?;
        let action = match purpose {
            LinkPurpose::Invitation => "user.accept_invitation",
            LinkPurpose::AdminReset | LinkPurpose::ForgotPassword => "user.password_set",
        };
        let record = super::audit::by_user(action, &user, now, meta)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "status": user.status })),
                Some(json!({
                    "status": "active", "password": "[redacted]",
                    "link": purpose.as_str(), "sessions_ended": sessions_ended,
                })),
            );
        if purpose != LinkPurpose::Invitation {
            let notice = emails::security_notice(
                &account_name,
                "The password of your account was changed",
                &emails::utc(now),
                &meta.ip.to_string(),
            );
            emails::send_to_user(&mut tx, &user, &notice, now).await?;
        }
        tx.commit(&record).await?;
        Ok(purpose)
    }

    /// "Forgot your password?": emails a 1-hour link to an active password user. The
    /// answer is the same whether or not the email exists; the current password keeps
    /// working until a new one is set.
    pub async fn request_password_reset(
        &self,
        email: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<&'static str> {
        let email = Email::parse(email).map_err(|m| ServiceError::invalid("email", m))?;
        let permit = Permit::for_sign_in();
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        // Per address, every request counts: at most 20 an hour, whatever the emails.
        let key = format!("forgot:{}", super::sign_in_guard::address_key(meta.ip));
        if let Some(retry_after) = tx.count_try(&key, &FORGOT_PER_ADDRESS, now).await? {
            tx.finish().await?;
            return Err(Refusal::TooManyAttempts { retry_after }.into());
        }
        let user = tx.live_user_by_email(&email.normalized()).await?;
        let eligible = user.filter(|u| u.enabled && u.status == UserStatus::Active.as_str());
        // The address's count is kept, whatever the answer.
        let Some(user) = eligible else {
            tx.commit_bookkeeping(&permit).await?;
            return Ok(FORGOT_PASSWORD_ANSWER);
        };
        tx.within_account(&user.account_id)?;
        // A password for those who may sign in with one: not while SAML is enforced (but
        // for Master admins), and a SAML-only user only once SAML is off
        // (docs/rules/saml.md#enforcement).
        let (saml_on, _) = Self::saml_state(&mut tx).await?;
        let password_user = user.providers.split(',').any(|p| p.trim() == "password");
        if Self::must_use_sso(&mut tx, &user).await? || (!password_user && saml_on) {
            tx.commit_bookkeeping(&permit).await?;
            return Ok(FORGOT_PASSWORD_ANSWER);
        }
        let recent = tx
            .emails_about_user_since(&user.id, &["forgot_password"], now - 3600)
            .await?;
        if recent >= FORGOT_PASSWORD_PER_HOUR {
            tx.commit_bookkeeping(&permit).await?;
            return Ok(FORGOT_PASSWORD_ANSWER);
        }
        let account_name = self.account_name(&mut tx).await?;
        let link = self
            .new_link(&mut tx, &user.id, LinkPurpose::ForgotPassword, now)
            .await?;
        let message = emails::forgot_password(&account_name, &link);
        emails::send_to_user(&mut tx, &user, &message, now).await?;
        let record = AuditRecord::new(
            "user.password_reset_request",
            Actor::Anonymous,
            now,
            Some(meta),
        )
        .account(&user.account_id)
        .target(AuditTarget::new("user", &user.id, &user.email));
        tx.commit(&record).await?;
        Ok(FORGOT_PASSWORD_ANSWER)
    }
}
