//! First run (docs/rules/account.md#accounts-and-plans): the account and its root user, a Master
//! admin — from the setup page (unlocked by a one-time token printed in the server log) or the CLI.

use super::authz::role_id;
use super::crypto::{matches_hash, new_token, new_uuid, random_hex, sha256_hex};
use super::{
    Actor, AuditRecord, AuditTarget, Permit, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::Refusal;
use crate::domain::{password, plan, validation, Email, FieldErrors, Plan, Policy, Role};
use crate::store::{AccountRow, EnvironmentRow, NewUser, Tx};
use serde_json::json;

#[derive(Debug, Clone, Default)]
pub struct BootstrapInput {
    pub account_name: String,
    pub email: String,
    pub password: String,
    /// A plan id of the catalogue; `enterprise` when absent.
    pub plan: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapOutcome {
    pub account_id: String,
    pub user_id: String,
}

/// An operator's own setup token: at least 128 bits (32 hex characters).
const MIN_SETUP_TOKEN_CHARS: usize = 32;

/// Wrong setup tokens per address.
const SETUP_ATTEMPTS: Policy = Policy {
    free_failures: u32::MAX,
    max_delay: 0,
    lock_after: 10,
    window: 900,
    lock_for: Some(900),
};

struct Valid {
    account_name: String,
    email: Email,
    password: String,
    plan: &'static Plan,
}

fn validate(input: &BootstrapInput) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let account_name = e.check(
        "account_name",
        validation::name(&input.account_name, 1, 100, "Account name"),
    );
    let email = e.check("email", Email::parse(&input.email));
    let plan_id = input
        .plan
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(plan::DEFAULT_PLAN);
    let plan = e.check(
        "plan",
        Plan::find(plan_id).ok_or_else(|| Plan::unknown(plan_id)),
    );
    let mut context = vec![input.account_name.as_str()];
    if let Some(em) = &email {
        context.push(em.as_str());
        context.push(em.local_part());
    }
    e.check("password", password::check(&input.password, &context));
    e.into_result()?;
    match (account_name, email, plan) {
        (Some(account_name), Some(email), Some(plan)) => Ok(Valid {
            account_name,
            email,
            password: password::normalize(&input.password),
            plan,
        }),
        _ => Err(FieldErrors::new()),
    }
}

impl Service {
    /// True while the installation has no account.
    pub async fn setup_required(&self) -> ServiceResult<bool> {
        use std::sync::atomic::Ordering;
        if self.inner.account_seen.load(Ordering::Relaxed) {
            return Ok(false);
        }
        let permit = Permit::for_bootstrap();
        let mut tx = self.db().read(&permit).await?;
        let n = tx.account_count().await?;
        tx.finish().await?;
        if n > 0 {
            self.inner.account_seen.store(true, Ordering::Relaxed);
        }
        Ok(n == 0)
    }

    /// When no account exists, arms the setup page with a one-time token — the
    /// operator's own (`preset`, at least 128 bits: 32 characters) or a fresh random one.
    /// Returns a fresh token, for the log; an operator's own is never printed.
    pub async fn prepare_setup(&self, preset: Option<String>) -> ServiceResult<Option<String>> {
        let preset = preset
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = &preset {
            if t.chars().count() < MIN_SETUP_TOKEN_CHARS {
                return Err(ServiceError::invalid(
                    "setup_token",
                    format!(
                        "CONSOLE_SETUP_TOKEN must be at least {MIN_SETUP_TOKEN_CHARS} characters (128 bits as hex)"
                    ),
                ));
            }
        }
        if !self.setup_required().await? {
            self.set_setup_token_hash(None);
            return Ok(None);
        }
        let (token, fresh) = match preset {
            Some(t) => (t, false),
            None => (new_token(self.inner.entropy.as_ref()), true),
        };
        self.set_setup_token_hash(Some(sha256_hex(&token)));
        Ok(fresh.then_some(token))
    }

    fn set_setup_token_hash(&self, hash: Option<String>) {
        if let Ok(mut slot) = self.inner.setup_token_hash.lock() {
            *slot = hash;
        }
    }

    fn setup_token_matches(&self, token: &str) -> bool {
        let stored = self
            .inner
            .setup_token_hash
            .lock()
            .ok()
            .and_then(|s| s.clone());
        stored.is_some_and(|h| matches_hash(token.trim(), &h))
    }

    /// The setup page: needs the one-time token from the server log.
    pub async fn complete_setup(
        &self,
        token: &str,
        input: &BootstrapInput,
        meta: &RequestMeta,
    ) -> ServiceResult<BootstrapOutcome> {
        if !self.setup_required().await? {
            return Err(ServiceError::from(Refusal::AlreadySetUp));
        }
        self.throttle_setup(meta, None).await?;
        let mut errors = validate(input).err().unwrap_or_default();
        if !self.setup_token_matches(token) {
            self.throttle_setup(meta, Some(())).await?;
            errors.0.insert(
                0,
                crate::domain::FieldError {
                    field: "token".into(),
                    message: "This setup token isn't valid. Copy it from the server log.".into(),
                    reason: None,
                },
            );
        }
        errors.into_result()?;
        let outcome = self
            .create_account(input, Actor::Anonymous, Some(meta))
            .await?;
        self.set_setup_token_hash(None);
        Ok(outcome)
    }

    /// Wrong setup tokens from one address: at most 10 in 15 minutes, then refused for 15
    /// (the token can't be guessed, but a log of guesses shouldn't grow without end).
    /// `failed`: count one; otherwise only check.
    async fn throttle_setup(&self, meta: &RequestMeta, failed: Option<()>) -> ServiceResult<()> {
        let permit = Permit::for_bootstrap();
        let key = format!("setup:{}", super::sign_in_guard::address_key(meta.ip));
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let mut state = tx.throttle_state(&key).await?;
        if let Some(retry_after) = SETUP_ATTEMPTS.verdict(&state, now).retry_after(now) {
            tx.finish().await?;
            return Err(Refusal::TooManyAttempts { retry_after }.into());
        }
        if failed.is_some() {
            SETUP_ATTEMPTS.record_failure(&mut state, now);
            tx.save_throttle_state(&key, &state).await?;
        }
        tx.commit_bookkeeping(&permit).await?;
        Ok(())
    }

    /// `server bootstrap`: the operator creates the account headless.
    pub async fn bootstrap(&self, input: &BootstrapInput) -> ServiceResult<BootstrapOutcome> {
        if !self.setup_required().await? {
            return Err(ServiceError::from(Refusal::AlreadySetUp));
        }
        let outcome = self.create_account(input, Actor::Operator, None).await?;
        self.set_setup_token_hash(None);
        Ok(outcome)
    }

    async fn create_account(
        &self,
        input: &BootstrapInput,
        actor: Actor,
        meta: Option<&RequestMeta>,
    ) -> ServiceResult<BootstrapOutcome> {
        let v = validate(input)?;
        let hash = self.inner.hasher.hash(&v.password).await?;
        let entropy = self.inner.entropy.as_ref();
        let account_id = new_uuid(entropy);
        let now = self.now();
        let permit = Permit::for_bootstrap();
        // The write lock is taken before the count, so two bootstraps can't both pass.
        let mut tx = self.db().write(&permit).await?;
        if tx.account_count().await? > 0 {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::AlreadySetUp));
        }
        tx.insert_account(&AccountRow {
            id: account_id.clone(),
            name: v.account_name.clone(),
            company: None,
            plan: v.plan.id.to_string(),
            additional_user_subscriptions: 0,
            subscribed_via: "direct".into(),
            seats_used: 0,
            enterprise_seats: None,
            created_at: now,
            updated_at: now,
        })
        .await?;
        tx.within_account(&account_id)?;
        let user_id = self
            .insert_root_user(&mut tx, &account_id, &v, &hash, now)
            .await?;
        let environment = self
            .insert_first_environment(&mut tx, &account_id, now)
            .await?;
        let record = AuditRecord::new("account.bootstrap", actor, now, meta)
            .account(&account_id)
            .target(AuditTarget::new("account", &account_id, &v.account_name))
            .change(
                None,
                Some(json!({
                    "account": { "name": v.account_name, "plan": v.plan.id },
                    "root_user": { "id": user_id, "email": v.email.as_str(), "role": Role::MasterAdmin.api_str() },
                    "environment": { "id": environment.id, "cloud_name": environment.cloud_name },
                    "password": "[redacted]",
                })),
            );
        tx.commit(&record).await?;
        Ok(BootstrapOutcome {
            account_id,
            user_id,
        })
    }

    /// The account's root user: active, a Master admin over every environment.
    async fn insert_root_user(
        &self,
        tx: &mut Tx,
        account_id: &str,
        v: &Valid,
        hash: &str,
        now: i64,
    ) -> ServiceResult<String> {
        let entropy = self.inner.entropy.as_ref();
        let user_id = random_hex(entropy, 16);
        tx.insert_user(&NewUser {
            media_library: Default::default(),
            id: &user_id,
            account_id,
            email: v.email.as_str(),
            email_normalized: &v.email.normalized(),
            name: None,
            status: "active",
            root: true,
            password_hash: Some(hash),
            now,
        })
        .await?;
        for (suffix, scope) in [("account", "account"), ("environment", "environment:all")] {
            let id = random_hex(entropy, 16);
            let role = role_id(Role::MasterAdmin, suffix);
            tx.insert_role_assignment(&id, "user", &user_id, &role, scope, now)
                .await?;
        }
        Ok(user_id)
    }

    /// A new account's first product environment, born with its Root key.
    async fn insert_first_environment(
        &self,
        tx: &mut Tx,
        account_id: &str,
        now: i64,
    ) -> ServiceResult<EnvironmentRow> {
        let environment = EnvironmentRow {
            id: random_hex(self.inner.entropy.as_ref(), 16),
            account_id: account_id.to_string(),
            name: "Production".into(),
            cloud_name: self.unused_cloud_name(tx).await?,
            description: String::new(),
            enabled: true,
            custom_attributes: "{}".into(),
            asset_count: None,
            created_at: now,
            updated_at: now,
            key_count: 1,
        };
        self.insert_environment_with_root_key(tx, &environment)
            .await?;
        Ok(environment)
    }
}
