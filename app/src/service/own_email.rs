//! Changing your own email (docs/rules/sign-in.md#your-own-email): re-authenticated, a
//! 24-hour link to the new address, applied when it's opened; the old address is told.

use super::crypto::{new_token, sha256_hex};
use super::{
    emails, AuditRecord, AuditTarget, Permit, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::{Email, Permission, Refusal};
use serde_json::json;

/// How long the link to the new address works.
const EMAIL_CHANGE_VALID_SECS: i64 = 24 * 3600;
/// What an unknown, used, superseded or expired link gets.
pub const EMAIL_LINK_INVALID: &str =
    "This link is no longer valid. Change your email again from My Profile";

impl Service {
    /// Sends the link to `new_email` (re-authenticated), and a notice to the current one.
    pub async fn request_email_change(
        &self,
        principal: &Principal,
        new_email: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let email = Email::parse(new_email).map_err(|m| ServiceError::invalid("email", m))?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let Some(user) = tx.user(principal.user_id()).await? else {
            tx.finish().await?;
            return Err(Refusal::Unauthenticated.into());
        };
        if Self::identity_from_idp(&mut tx, &user).await? {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                "email",
                "Your email comes from your identity provider: change it there",
            ));
        }
        if email.normalized() == user.email_normalized {
            tx.finish().await?;
            return Err(ServiceError::invalid("email", "That's already your email"));
        }
        if tx.live_user_by_email(&email.normalized()).await?.is_some() {
            tx.finish().await?;
            return Err(ServiceError::refused_field("email", Refusal::EmailTaken));
        }
        let token = new_token(self.inner.entropy.as_ref());
        tx.insert_email_change(
            &sha256_hex(&token),
            &user.id,
            email.as_str(),
            now,
            now + EMAIL_CHANGE_VALID_SECS,
        )
        .await?;
        let account = self.account_name(&mut tx).await?;
        let link = self.link(&format!("/confirm-email?token={token}"));
        let message = emails::email_change(&account, email.as_str(), &link);
        emails::enqueue(
            &mut tx,
            &user.account_id,
            Some(&user.id),
            email.as_str(),
            &message,
            now,
        )
        .await?;
        let what = format!("A change of your account's email to {} was asked for; it applies once confirmed from that address", email.as_str());
        self.notify(&mut tx, &user, &what, meta).await?;
        let record = AuditRecord::new(
            "user.email_change_request",
            principal.actor(),
            now,
            Some(meta),
        )
        .account(principal.account_id())
        .target(AuditTarget::new("user", &user.id, &user.email))
        .change(None, Some(json!({ "new_email": email.as_str() })));
        tx.commit(&record).await?;
        Ok(())
    }

    /// Applies a change from its link, by whoever opens it: once, within 24 hours, while
    /// the address is still free and the user active. Returns the new address.
    pub async fn confirm_email_change(
        &self,
        token: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        let invalid = || ServiceError::invalid("token", EMAIL_LINK_INVALID);
        let hash = sha256_hex(token.trim());
        let permit = Permit::for_link_redemption();
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let change = tx.email_change(&hash).await?.filter(|c| c.expires_at > now);
        let Some(change) = change else {
            tx.finish().await?;
            return Err(invalid());
        };
        tx.within_account(&change.account_id)?;
        let user = tx
            .user(&change.user_id)
            .await?
            .filter(|u| u.enabled && u.status == "active");
        let Some(user) = user else {
            tx.finish().await?;
            return Err(invalid());
        };
        let email = Email::parse(&change.new_email).map_err(|_| invalid())?;
        if tx.live_user_by_email(&email.normalized()).await?.is_some() {
            tx.finish().await?;
            return Err(ServiceError::refused_field("token", Refusal::EmailTaken));
        }
        tx.set_user_email(&user.id, email.as_str(), &email.normalized(), now)
            .await?;
        tx.delete_email_changes(&user.id).await?;
        tx.delete_user_tokens(&user.id).await?;
        // The notice goes to the old address (the user row as it was).
        let what = format!(
            "The email of your account was changed to {}",
            email.as_str()
        );
        self.notify(&mut tx, &user, &what, meta).await?;
        let record = super::audit::by_user("user.email_change", &user, now, meta)
            .target(AuditTarget::new("user", &user.id, email.as_str()))
            .change(
                Some(json!({ "email": user.email })),
                Some(json!({ "email": email.as_str() })),
            );
        tx.commit(&record).await?;
        Ok(email.as_str().to_string())
    }
}
