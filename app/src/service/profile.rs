//! My Profile: the signed-in user's own details and display preferences.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::Refusal;
use crate::domain::{validation, EmailPreferences, FieldErrors, Me, Permission, Theme};
use crate::store::{Tx, UserRow};
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub name: String,
    pub first_name: String,
    pub last_name: String,
}

fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().filter(|v| !v.is_empty())
}

fn none_if_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

impl Service {
    /// The signed-in user as the console shows them.
    pub async fn me(&self, principal: &Principal, meta: &RequestMeta) -> ServiceResult<Me> {
        let permit = self
            .authorize_while_enrolling(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let user = tx.user(principal.user_id()).await?;
        let account = tx.account_row().await?;
        let two_factor = super::auth::has_factor(&mut tx, principal.user_id()).await?;
        let saml = tx.saml_settings().await?;
        tx.finish().await?;
        let saml_on = saml.as_ref().is_some_and(|s| s.enabled);
        let from_idp = user
            .as_ref()
            .is_some_and(|u| super::saml::identity_from_idp_by(saml.as_ref(), u));
        let (Some(user), Some(account)) = (user, account) else {
            return Err(ServiceError::Refused(Refusal::Unauthenticated));
        };
        let single_sign_on = saml_on && user.providers.split(',').any(|p| p.trim() == "saml");
        let mut me = me_of(user, account.name, account.plan, principal);
        me.two_factor = two_factor;
        me.single_sign_on = single_sign_on;
        me.account_saml = saml_on;
        me.identity_from_idp = from_idp;
        me.must_enrol_two_factor = principal.must_enrol_two_factor();
        Ok(me)
    }

    pub async fn update_profile(
        &self,
        principal: &Principal,
        input: &ProfileInput,
        meta: &RequestMeta,
    ) -> ServiceResult<Me> {
        let mut e = FieldErrors::new();
        let name = e.check(
            "name",
            validation::name(&input.name, 0, 128, "Display name"),
        );
        let first = e.check(
            "first_name",
            validation::name(&input.first_name, 0, 64, "First name"),
        );
        let last = e.check(
            "last_name",
            validation::name(&input.last_name, 0, 64, "Last name"),
        );
        e.into_result()?;
        let (name, first, last) = (
            name.and_then(none_if_empty),
            first.and_then(none_if_empty),
            last.and_then(none_if_empty),
        );
        let (mut tx, before) = self.own_user_for_update(principal, meta).await?;
        let same = (name.as_deref(), first.as_deref(), last.as_deref())
            == (
                before.name.as_deref(),
                before.first_name.as_deref(),
                before.last_name.as_deref(),
            );
        if !same && Self::identity_from_idp(&mut tx, &before).await? {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                "name",
                "Your name comes from your identity provider: change it there",
            ));
        }
        let now = self.now();
        tx.set_user_names(
            &before.id,
            name.as_deref(),
            first.as_deref(),
            last.as_deref(),
            now,
        )
        .await?;
        let record = AuditRecord::new("user.update_profile", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new("user", &before.id, &before.email))
            .change(
                Some(json!({ "name": opt(&before.name), "first_name": opt(&before.first_name), "last_name": opt(&before.last_name) })),
                Some(json!({ "name": name, "first_name": first, "last_name": last })),
            );
        tx.commit(&record).await?;
        self.me(principal, meta).await
    }

    pub async fn set_theme(
        &self,
        principal: &Principal,
        theme: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Me> {
        let theme = Theme::parse(theme).ok_or_else(|| {
            ServiceError::invalid("theme", "Choose light, dark or device default")
        })?;
        let (mut tx, before) = self.own_user_for_update(principal, meta).await?;
        let now = self.now();
        tx.set_user_theme(&before.id, theme.as_str(), now).await?;
        let record = AuditRecord::new(
            "user.update_preferences",
            principal.actor(),
            now,
            Some(meta),
        )
        .account(principal.account_id())
        .target(AuditTarget::new("user", &before.id, &before.email))
        .change(
            Some(json!({ "theme": before.theme })),
            Some(json!({ "theme": theme.as_str() })),
        );
        tx.commit(&record).await?;
        self.me(principal, meta).await
    }

    /// The time zone times are shown in: an IANA name, or empty for the browser's.
    pub async fn set_time_zone(
        &self,
        principal: &Principal,
        time_zone: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Me> {
        let tz = time_zone.trim();
        let chosen = if tz.is_empty() {
            None
        } else if jiff::tz::TimeZone::get(tz).is_ok() {
            Some(tz.to_string())
        } else {
            return Err(ServiceError::invalid(
                "time_zone",
                "Enter a time zone name like Europe/Paris or America/New_York, or leave it empty for your browser's",
            ));
        };
        let (mut tx, before) = self.own_user_for_update(principal, meta).await?;
        let now = self.now();
        tx.set_user_time_zone(&before.id, chosen.as_deref(), now)
            .await?;
        let record = AuditRecord::new(
            "user.update_preferences",
            principal.actor(),
            now,
            Some(meta),
        )
        .account(principal.account_id())
        .target(AuditTarget::new("user", &before.id, &before.email))
        .change(
            Some(json!({ "time_zone": before.time_zone })),
            Some(json!({ "time_zone": chosen })),
        );
        tx.commit(&record).await?;
        self.me(principal, meta).await
    }

    /// Email preferences of My Profile. Security emails are always sent.
    pub async fn set_email_preferences(
        &self,
        principal: &Principal,
        prefs: &EmailPreferences,
        meta: &RequestMeta,
    ) -> ServiceResult<Me> {
        let (mut tx, before) = self.own_user_for_update(principal, meta).await?;
        let now = self.now();
        tx.set_email_preferences(&before.id, prefs, now).await?;
        let record = AuditRecord::new(
            "user.update_preferences",
            principal.actor(),
            now,
            Some(meta),
        )
        .account(principal.account_id())
        .target(AuditTarget::new("user", &before.id, &before.email))
        .change(
            Some(json!({
                "usage_alerts": before.email_usage_alerts,
                "weekly_report": before.email_weekly_report,
                "product_updates": before.email_product_updates,
                "billing_notifications": before.email_billing_notifications,
            })),
            Some(json!(prefs)),
        );
        tx.commit(&record).await?;
        self.me(principal, meta).await
    }

    /// A write transaction on the principal's own user (`profile.manage_own`), with the
    /// user as stored before the change.
    async fn own_user_for_update(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, UserRow)> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let found = tx
            .user(principal.user_id())
            .await?
            .ok_or(ServiceError::Refused(Refusal::Unauthenticated));
        tx.or_end(found).await
    }
}

fn me_of(user: UserRow, account_name: String, plan: String, principal: &Principal) -> Me {
    Me {
        user_id: user.id,
        account_id: user.account_id,
        account_name,
        email: user.email,
        name: user.name,
        first_name: user.first_name,
        last_name: user.last_name,
        role: principal.role(),
        environments: principal.environments.clone(),
        root: user.root,
        theme: Theme::parse(&user.theme).unwrap_or_default(),
        email_preferences: EmailPreferences {
            usage_alerts: user.email_usage_alerts,
            weekly_report: user.email_weekly_report,
            product_updates: user.email_product_updates,
            billing_notifications: user.email_billing_notifications,
        },
        plan,
        two_factor: false,
        must_enrol_two_factor: false,
        single_sign_on: false,
        account_saml: false,
        identity_from_idp: false,
        time_zone: user.time_zone,
    }
}
