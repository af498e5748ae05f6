//! Two-factor authentication in My Profile (docs/rules/two-factor.md): set up an
//! authenticator (re-authenticated), confirm it with a first code, recovery codes shown once,
//! make new ones, turn it off with the password and a code.

use super::second_factor::secret_context;
use super::totp::{new_recovery_codes, qr_svg, recovery_code_hash, Authenticator, CodeCheck};
use super::{
    AuditRecord, AuditResult, AuditTarget, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::two_factor::{Enrolment, RecoveryCodes, TwoFactorStatus};
use crate::domain::{Permission, Refusal};
use crate::store::{Tx, UserRow};

impl Service {
    /// The principal's own second factor, as My Profile shows it.
    pub async fn two_factor_status(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<TwoFactorStatus> {
        let permit = self
            .authorize_while_enrolling(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let factor = tx.two_factor_of(principal.user_id()).await?;
        let left = tx.recovery_codes_left(principal.user_id()).await?;
        let required = tx.account_requires_two_factor().await?;
        tx.finish().await?;
        Ok(TwoFactorStatus {
            enabled: factor.is_some_and(|f| f.confirmed_at.is_some()),
            recovery_codes_left: left,
            required,
        })
    }

    /// Starts setting up an authenticator: a new secret (sealed), shown as a QR code, a URI
    /// and base32 until a first code confirms it. Starting again replaces an unconfirmed one.
    pub async fn begin_two_factor(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Enrolment> {
        let (mut tx, user) = self.own_user_enrolling(principal, meta).await?;
        if super::auth::has_factor(&mut tx, &user.id).await? {
            tx.finish().await?;
            return Err(Refusal::TwoFactorAlreadyOn.into());
        }
        let now = self.now();
        let issuer = self.account_name(&mut tx).await?;
        let secret = Authenticator::new_secret(self.inner.entropy.as_ref());
        let app = Authenticator::new(&secret, &issuer, &user.email)?;
        let nonce = super::crypto::random_bytes::<24>(self.inner.entropy.as_ref());
        let sealed = self.config().secret_key.seal(
            &secret_context(&user.id),
            &app.secret_base32(),
            nonce,
        )?;
        tx.begin_two_factor(&user.id, &sealed, now).await?;
        let record = own_record("two_factor.begin", principal, &user, now, meta);
        tx.commit(&record).await?;
        let uri = app.uri()?;
        Ok(Enrolment {
            secret: app.secret_base32(),
            qr_svg: qr_svg(&uri)?,
            uri,
        })
    }

    /// Confirms the authenticator being set up with a first code: 2FA is on, ten recovery
    /// codes are made (shown this once), the user's other sessions end.
    pub async fn confirm_two_factor(
        &self,
        principal: &Principal,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<RecoveryCodes> {
        let (mut tx, user) = self.own_user_enrolling(principal, meta).await?;
        let now = self.now();
        let pending = match tx.two_factor_of(&user.id).await? {
            Some(f) if f.confirmed_at.is_none() => f,
            Some(_) => {
                tx.finish().await?;
                return Err(Refusal::TwoFactorAlreadyOn.into());
            }
            None => {
                tx.finish().await?;
                return Err(start_again());
            }
        };
        let app = self.authenticator(&user, &pending, "")?;
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        let CodeCheck::Accepted { step } = app.check(&digits, now, None) else {
            let record = own_record("two_factor.enable", principal, &user, now, meta)
                .result(AuditResult::Failure)
                .change(None, Some(serde_json::json!({ "reason": "wrong code" })));
            tx.commit(&record).await?;
            return Err(ServiceError::invalid(
                "code",
                "That code doesn't match. Enter the 6-digit code your app shows now",
            ));
        };
        tx.confirm_two_factor(&user.id, step, now).await?;
        let codes = self.replace_recovery_codes(&mut tx, &user).await?;
        tx.finish_two_factor_enrolment(&principal.session_token_hash)
            .await?;
        let ended = tx
            .delete_other_sessions_of_user(&user.id, &principal.session_token_hash)
            .await?;
        self.notify(
            &mut tx,
            &user,
            "Two-factor authentication was turned on for your account",
            meta,
        )
        .await?;
        let record = own_record("two_factor.enable", principal, &user, now, meta).change(
            None,
            Some(serde_json::json!({ "other_sessions_ended": ended })),
        );
        tx.commit(&record).await?;
        Ok(codes)
    }

    /// New recovery codes (re-authenticated); the old set stops working.
    pub async fn regenerate_recovery_codes(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<RecoveryCodes> {
        let (mut tx, user) = self.own_user_enrolling(principal, meta).await?;
        if !super::auth::has_factor(&mut tx, &user.id).await? {
            tx.finish().await?;
            return Err(Refusal::TwoFactorNotOn.into());
        }
        let now = self.now();
        let codes = self.replace_recovery_codes(&mut tx, &user).await?;
        self.notify(
            &mut tx,
            &user,
            "New recovery codes were made for your account; the old ones no longer work",
            meta,
        )
        .await?;
        let record = own_record("two_factor.recovery_codes", principal, &user, now, meta);
        tx.commit(&record).await?;
        Ok(codes)
    }

    /// Turns 2FA off: the password and a code (or a recovery code) again, unless the
    /// account requires it. The user's other sessions end.
    pub async fn disable_two_factor(
        &self,
        principal: &Principal,
        password_typed: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let mut errors = crate::domain::FieldErrors::new();
        if password_typed.is_empty() {
            errors.add("password", "Enter your password");
        }
        if code.trim().is_empty() {
            errors.add("code", "Enter a code from your app, or a recovery code");
        }
        errors.into_result()?;
        let status = self.two_factor_status(principal, meta).await?;
        if !status.enabled {
            return Err(Refusal::TwoFactorNotOn.into());
        }
        if status.required {
            return Err(Refusal::TwoFactorRequiredByAccount.into());
        }
        let (mut tx, user) = self
            .prove_password_and_code(principal, password_typed, Some(code), meta)
            .await?;
        let now = self.now();
        tx.delete_two_factor(&user.id).await?;
        let ended = tx
            .delete_other_sessions_of_user(&user.id, &principal.session_token_hash)
            .await?;
        self.notify(
            &mut tx,
            &user,
            "Two-factor authentication was turned off for your account",
            meta,
        )
        .await?;
        let record = own_record("two_factor.disable", principal, &user, now, meta).change(
            None,
            Some(serde_json::json!({ "other_sessions_ended": ended })),
        );
        tx.commit(&record).await?;
        Ok(())
    }

    /// The principal's own user in a write transaction, allowed while a required factor
    /// is being set up; re-authentication within 10 minutes is required.
    async fn own_user_enrolling(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, UserRow)> {
        let permit = self
            .authorize_while_enrolling(principal, Permission::ProfileManageOwn, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let mut tx = self.db().write(&permit).await?;
        let found = tx
            .user(principal.user_id())
            .await?
            .ok_or(ServiceError::Refused(Refusal::Unauthenticated));
        tx.or_end(found).await
    }

    async fn replace_recovery_codes(
        &self,
        tx: &mut Tx,
        user: &UserRow,
    ) -> ServiceResult<RecoveryCodes> {
        let codes = new_recovery_codes(self.inner.entropy.as_ref());
        let hashes: Vec<String> = codes
            .iter()
            .map(|c| recovery_code_hash(&user.id, c))
            .collect();
        tx.replace_recovery_codes(&user.id, &hashes).await?;
        Ok(RecoveryCodes { codes })
    }
}

fn start_again() -> ServiceError {
    ServiceError::invalid("code", "Set up your authenticator again: start with Set up")
}

/// A record of the principal's own change to their second factor (never the secret).
fn own_record(
    action: &str,
    principal: &Principal,
    user: &UserRow,
    now: i64,
    meta: &RequestMeta,
) -> AuditRecord {
    AuditRecord::new(action, principal.actor(), now, Some(meta))
        .account(principal.account_id())
        .target(AuditTarget::new("user", &user.id, &user.email))
}
