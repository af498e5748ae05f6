//! The only door to data. Every operation takes the acting principal and is checked
//! before it touches the store: store transactions open only with a [`Permit`], which
//! only this floor makes (for the principal's account, or by a named constructor for the
//! paths that act before anyone is signed in), and a write commits only with its audit
//! record. `docs/architecture.md` shows the floors.

mod account;
mod account_api_keys;
mod account_security;
mod api_key_changes;
mod api_keys;
mod audit;
mod audit_log;
mod auth;
mod authz;
mod billing;
mod bootstrap;
mod collections;
mod crypto;
mod emails;
mod environment_add;
mod environments;
mod error;
mod groups;
mod hash_memory;
mod media_browse;
mod media_folders;
mod media_library;
mod outbound;
mod outbox;
mod own_credentials;
mod own_email;
mod own_sessions;
mod password;
mod profile;
pub mod provisioning;
mod provisioning_environments;
mod provisioning_groups;
mod provisioning_keys;
mod provisioning_users;
mod reauth;
mod root_user;
mod runtime;
mod saml;
mod scim_changes;
mod scim_group_roles;
mod scim_groups;
mod scim_settings;
mod scim_tokens;
mod scim_users;
mod sealing;
mod seats;
mod second_factor;
mod secret_key;
mod session_check;
mod settings;
mod sharing;
mod sign_in_guard;
mod totp;
mod two_factor;
mod usage;
mod user_add;
mod user_credentials;
mod user_import;
mod user_lifecycle;
mod user_links;
mod user_status;
mod user_update;
mod users;
mod webhook_test;

pub use crate::domain::audit::{
    Actor, AuditEntry, AuditRecord, AuditResult, AuditTarget, RequestMeta,
};
/// A transport runs each request of an API inside it: the request's one-statement reads
/// (its credentials, then its data) share one connection.
pub use crate::store::{give_back_kept, request_scope};
pub use api_key_changes::KeyChange;
pub use api_keys::KeyRef;
pub use audit_log::{entry as audit_entry, EXPORT_BATCH};
pub use auth::{SignInStep, SignedIn};
pub use authz::Principal;
pub use bootstrap::{BootstrapInput, BootstrapOutcome};
/// Random bytes as lowercase hex (request ids, tokens).
pub use crypto::random_hex;
pub use environments::EnvironmentInput;
pub use error::{InternalError, ServiceError, ServiceResult};
pub use outbound::{system_resolver, Resolver, SystemResolver};
pub use profile::ProfileInput;
pub use provisioning_environments::EnvironmentPatch;
pub use provisioning_groups::GroupLookup;
pub use provisioning_keys::KeyPatch;
pub use runtime::{Clock, Entropy, ManualClock, OsEntropy, SystemClock};
pub use saml::SamlOutcome;
pub use scim_tokens::ScimCaller;
pub use scim_users::{ScimPage, SCIM_MAX_COUNT};
pub use sealing::SecretKey;
pub use second_factor::SecondStep;
pub use user_add::AddUsersInput;
pub use user_import::{import_words, ImportContext};
pub use user_lifecycle::EditUserInput;
pub use user_links::FORGOT_PASSWORD_ANSWER;
pub use user_update::UserPatch;
pub use users::UserQuery;
pub use webhook_test::{notification_signature, WebhookTestResult};

use crate::store::{Database, Permit};
use password::PasswordHasher;
use std::sync::{Arc, Mutex};

/// Numbers the operator may set.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// A session ends after this long without a request (seconds).
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, whatever happens (seconds).
    pub session_absolute_secs: i64,
    /// Password hashes computed at once; more wait (argon2 uses 19 MiB each).
    pub password_hash_concurrency: usize,
    /// The console's public URL, for links in emails (no trailing slash).
    pub public_url: String,
    /// Seals secrets the console must give back (environment API secrets).
    pub secret_key: SecretKey,
    /// Webhook notification URLs may use `http` (off: `https` only).
    pub webhook_allow_http: bool,
    /// The internal networks *Send test* may reach all the same (none by default).
    pub outbound: crate::domain::network::OutboundRule,
    /// How *Send test* finds a host's addresses.
    pub resolver: Arc<dyn Resolver>,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            session_idle_secs: 60 * 60,
            session_absolute_secs: 12 * 60 * 60,
            password_hash_concurrency: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            public_url: "http://127.0.0.1:3000".into(),
            secret_key: SecretKey::random(),
            webhook_allow_http: false,
            outbound: Default::default(),
            resolver: system_resolver(),
        }
    }
}

/// The console's operations, shared by every transport. Cheap to clone.
#[derive(Clone)]
pub struct Service {
    inner: Arc<Inner>,
}

struct Inner {
    db: Database,
    clock: Arc<dyn Clock>,
    entropy: Arc<dyn Entropy>,
    hasher: PasswordHasher,
    config: ServiceConfig,
    /// SHA-256 of the one-time setup token, while the console has no account.
    setup_token_hash: Mutex<Option<String>>,
    /// An account was seen: setup is over for good (accounts are never deleted), and every
    /// page's session check no longer counts them.
    account_seen: std::sync::atomic::AtomicBool,
}

impl Service {
    pub async fn new(
        db: Database,
        config: ServiceConfig,
        clock: Arc<dyn Clock>,
        entropy: Arc<dyn Entropy>,
    ) -> ServiceResult<Service> {
        let hasher = PasswordHasher::new(config.password_hash_concurrency, entropy.clone()).await?;
        let service = Service {
            inner: Arc::new(Inner {
                db,
                clock,
                entropy,
                hasher,
                config,
                setup_token_hash: Mutex::new(None),
                account_seen: std::sync::atomic::AtomicBool::new(false),
            }),
        };
        service.sync_system_roles().await?;
        Ok(service)
    }

    fn db(&self) -> &Database {
        &self.inner.db
    }

    fn now(&self) -> i64 {
        self.inner.clock.now()
    }

    /// The service's clock (Unix seconds), for transports that count time (rate limits).
    pub fn clock_now(&self) -> i64 {
        self.now()
    }

    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// Writes the matrix's system roles (`R@account`, `R@environment`) so stored
    /// assignments always name the current permission bundles.
    async fn sync_system_roles(&self) -> ServiceResult<()> {
        let permit = Permit::for_start_up();
        let mut tx = self.db().write(&permit).await?;
        for (id, name, scope_type, perms) in authz::system_roles() {
            tx.upsert_system_role(&id, &name, scope_type, &perms)
                .await?;
        }
        tx.commit_bookkeeping(&permit).await?;
        Ok(())
    }
}
