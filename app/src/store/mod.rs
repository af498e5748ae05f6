//! All SQL, and nothing else. Every query runs on a [`Tx`], and only the service can
//! open one (it must show a [`Permit`]), so no transport reaches the data around the
//! permission checks. A write transaction commits only together with its audit record.
//!
//! The SQL is portable (no SQLite-only syntax beyond what PostgreSQL also accepts), so a
//! PostgreSQL store can follow.

mod account_api_keys;
mod account_security;
mod accounts;
mod audit;
mod billing;
mod email_changes;
mod environments;
mod folders;
mod groups;
mod one_read;
mod outbox;
mod permit;
mod provisioning;
mod roles;
mod root_user;
mod saml;
mod scim;
mod scim_settings;
mod sessions;
mod settings;
mod sharing;
mod throttle;
mod tokens;
mod two_factor;
mod usage;
mod user_lifecycle;
mod user_list;
mod users;

#[cfg(feature = "bench")]
pub use account_api_keys::KEY_CREDENTIALS_SQL;
pub use account_api_keys::{AccountApiKeyRow, KeyCredentials};
pub use account_security::{decode_allowed_ips, AccessPolicy};
pub use accounts::AccountRow;
pub use audit::AuditRow;
pub use environments::{ApiKeyRow, EnvironmentRow};
pub use folders::{CollectionRow, FolderRow};
pub use groups::{GroupRow, HeldShare, MemberRow};
pub use one_read::{give_back_kept, request_scope, OneRead};
pub use outbox::{OutboxMessage, OutboxRow};
pub use permit::{Permit, Unscoped};
#[cfg(feature = "bench")]
pub use provisioning::API_USER_COLUMNS;
pub use provisioning::{ApiUserRow, ApiUserRows};
pub use saml::{SamlRequestRow, SamlSettingsRow};
pub use scim::ScimTokenRow;
pub use scim_settings::ScimGroupRoleRow;
pub use sessions::{NewSession, SessionRow};
pub use settings::{SettingsOwner, SettingsRow};
pub use sharing::{CandidateRow, FolderAccess, FolderCheck, ListedFolder, ShareRow};
pub use tokens::UserTokenRow;
pub use two_factor::{ChallengeRow, TwoFactorRow};
pub use user_list::{ListedUser, SortKey, UserFilter};
pub use users::{NewUser, UserRow};

use crate::domain::audit::AuditRecord;
use crate::domain::EnvironmentAccess;
use permit::Scope;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    /// A query outside what the transaction's permit covers: a bug in the service, never
    /// answered with data.
    #[error("outside the permit: {0}")]
    OutOfScope(&'static str),
}

impl StoreError {
    /// A unique constraint refused the write (a lost race on a unique value).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The pool's connections: each is a thread with its own page cache and prepared
/// statements. 4 keep both cores busy under the API's 16 concurrent clients; 8 took more
/// memory for no more requests per second (docs/benchmarks.md).
const CONNECTIONS: u32 = 4;

/// Each connection's page cache, in KiB (SQLite's default is 2,000): the database file is in
/// the operating system's cache anyway, so a miss costs a read from memory.
const PAGE_CACHE_KIB: u32 = 1024;

/// Tells one opened database from another, for the connection a request keeps.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The embedded database: one pool for the whole server.
#[derive(Clone)]
pub struct Database {
    pool: SqlitePool,
    /// Tells this database's connections from another's in a request's keeping (tests
    /// and benchmarks open several in one process).
    id: u64,
}

impl Database {
    /// Opens (creating if needed) `console.db` in `data_dir`, in WAL mode with a busy
    /// timeout and foreign keys on, and applies the migrations.
    pub async fn open(data_dir: &Path) -> StoreResult<Database> {
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("console.db"))
            .create_if_missing(true);
        Self::connect(options, CONNECTIONS).await
    }

    /// A bare pool on the database in `data_dir`, configured as [`Database::open`]'s, for
    /// the benchmarks' seeding and their bare-SQL ceilings (no migrations, no permits).
    /// Only in builds with the `bench` feature: never in the production binary.
    #[cfg(feature = "bench")]
    pub async fn bare_pool(data_dir: &Path) -> StoreResult<SqlitePool> {
        let options = SqliteConnectOptions::new().filename(data_dir.join("console.db"));
        Self::pool(options, CONNECTIONS).await
    }

    /// [`Database::open`] with WAL's `synchronous=NORMAL` instead of `FULL`: what `FULL`
    /// costs is measured against it (`make bench`, the `writes` benchmark). Only in builds
    /// with the `bench` feature.
    #[cfg(feature = "bench")]
    pub async fn open_synchronous_normal(data_dir: &Path) -> StoreResult<Database> {
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("console.db"))
            .create_if_missing(true);
        let pool = Self::pool_synchronous(options, CONNECTIONS, SqliteSynchronous::Normal).await?;
        sqlx::migrate!("../migrations").run(&pool).await?;
        Ok(Database {
            pool,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    /// A private in-memory database, for tests and benchmarks.
    pub async fn open_in_memory() -> StoreResult<Database> {
        // One connection: each in-memory connection would be a database of its own.
        let options = SqliteConnectOptions::from_str("sqlite::memory:")?;
        Self::connect(options, 1).await
    }

    async fn connect(options: SqliteConnectOptions, max: u32) -> StoreResult<Database> {
        let pool = Self::pool(options, max).await?;
        sqlx::migrate!("../migrations").run(&pool).await?;
        Ok(Database {
            pool,
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
        })
    }

    async fn pool(options: SqliteConnectOptions, max: u32) -> StoreResult<SqlitePool> {
        // FULL: a commit is on disk before it returns, so an email is never sent (nor an
        // answer given) for a change a power loss could undo (WAL's NORMAL may lose the
        // last commits). Its cost per write is measured in docs/benchmarks.md.
        Self::pool_synchronous(options, max, SqliteSynchronous::Full).await
    }

    async fn pool_synchronous(
        options: SqliteConnectOptions,
        max: u32,
        synchronous: SqliteSynchronous,
    ) -> StoreResult<SqlitePool> {
        let options = options
            .synchronous(synchronous)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            .pragma("cache_size", format!("-{PAGE_CACHE_KIB}"))
            // Every query of the console, prepared once per connection.
            .statement_cache_capacity(512)
            // Rows a statement may send ahead of its reader: a whole page (the API's pages
            // go up to 500), so the connection's thread never stops mid-page waiting to be
            // woken (its default of 50 is less than a page of 50 and its end marker).
            .row_buffer_size(512);
        // An embedded database's connections don't go stale: no ping before each use.
        Ok(SqlitePoolOptions::new()
            .max_connections(max)
            .test_before_acquire(false)
            .connect_with(options)
            .await?)
    }

    /// Opens a read-only transaction (a consistent snapshot). Only the service holds
    /// permits. Don't write in it: upgrading a read to a write fails at once when another
    /// writer committed meanwhile (SQLite's busy snapshot) — use [`Database::write`].
    pub async fn read(&self, permit: &Permit) -> StoreResult<Tx> {
        one_read::give_back_kept();
        Ok(Tx {
            tx: self.pool.begin().await?,
            scope: permit.scope.clone(),
        })
    }

    /// Opens a transaction that takes the write lock at once (waiting up to the busy
    /// timeout), so what it reads holds until commit: counts, uniqueness, last-of-a-kind.
    pub async fn write(&self, permit: &Permit) -> StoreResult<Tx> {
        one_read::give_back_kept();
        Ok(Tx {
            tx: self.pool.begin_with("BEGIN IMMEDIATE").await?,
            scope: permit.scope.clone(),
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// One transaction of the store, for what its permit covers. Query methods live in the
/// submodules; those about an account take it from here, not from an argument.
pub struct Tx {
    tx: Transaction<'static, Sqlite>,
    scope: Scope,
}

/// The account of a permit's scope (refused for a permit without one).
fn account_of(scope: &Scope) -> StoreResult<&str> {
    match scope {
        Scope::Account { account_id, .. } => Ok(account_id),
        Scope::Unscoped(_) => Err(StoreError::OutOfScope("this permit names no account")),
    }
}

/// `environment_id`, when the permit's principal reaches it. A permit without an account
/// (sign-in, the sender, bootstrap) reaches what its path looks up by token or id.
fn reached<'a>(scope: &Scope, environment_id: &'a str) -> StoreResult<&'a str> {
    match scope {
        Scope::Account {
            environments: EnvironmentAccess::Only(ids),
            ..
        } if !ids.iter().any(|id| id == environment_id) => Err(StoreError::OutOfScope(
            "a product environment the principal doesn't reach",
        )),
        _ => Ok(environment_id),
    }
}

impl Tx {
    fn conn(&mut self) -> &mut sqlx::SqliteConnection {
        &mut self.tx
    }

    /// The account this transaction answers for.
    fn account(&self) -> StoreResult<String> {
        account_of(&self.scope).map(str::to_string)
    }

    /// Refuses a row of another account than the permit's.
    fn own(&self, account_id: &str) -> StoreResult<()> {
        match &self.scope {
            Scope::Account {
                account_id: mine, ..
            } if mine != account_id => Err(StoreError::OutOfScope("a row of another account")),
            _ => Ok(()),
        }
    }

    /// `environment_id`, checked against the permit's reach.
    fn reach<'a>(&self, environment_id: &'a str) -> StoreResult<&'a str> {
        reached(&self.scope, environment_id)
    }

    /// Narrows a transaction opened without an account (sign-in, a link, bootstrap) to
    /// the account its path has found; a transaction for an account never changes it.
    pub fn within_account(&mut self, account_id: &str) -> StoreResult<()> {
        match &self.scope {
            Scope::Unscoped(_) => {
                self.scope = Scope::Account {
                    account_id: account_id.to_string(),
                    environments: EnvironmentAccess::All,
                };
                Ok(())
            }
            Scope::Account {
                account_id: mine, ..
            } if mine == account_id => Ok(()),
            Scope::Account { .. } => Err(StoreError::OutOfScope("another account")),
        }
    }

    /// Appends the audit record and commits, atomically: a mutation without its audit
    /// record never lands.
    pub async fn commit(self, record: &AuditRecord) -> StoreResult<()> {
        self.commit_many(record, &[]).await
    }

    /// [`Tx::commit`] for a transaction of several actions, each with its record, in order.
    pub async fn commit_many(
        mut self,
        first: &AuditRecord,
        rest: &[AuditRecord],
    ) -> StoreResult<()> {
        for record in std::iter::once(first).chain(rest) {
            if let (Scope::Account { account_id, .. }, Some(of)) = (&self.scope, &record.account_id)
            {
                if account_id != of {
                    return Err(StoreError::OutOfScope("an audit record of another account"));
                }
            }
            self.append_audit(record).await?;
        }
        self.tx.commit().await?;
        Ok(())
    }

    /// Commits bookkeeping that is not an audited action (a session's last-seen time,
    /// throttle counters). The permit says the service chose this.
    pub async fn commit_bookkeeping(self, _permit: &Permit) -> StoreResult<()> {
        self.tx.commit().await?;
        Ok(())
    }

    /// Hands the transaction back with the value when `result` is `Ok`; otherwise ends it
    /// (nothing was written) and passes the error on:
    /// `let (mut tx, row) = tx.or_end(found).await?;`
    pub async fn or_end<T, E: From<StoreError>>(self, result: Result<T, E>) -> Result<(Tx, T), E> {
        match result {
            Ok(v) => Ok((self, v)),
            Err(e) => {
                self.finish().await?;
                Err(e)
            }
        }
    }

    /// Ends a read-only transaction.
    pub async fn finish(self) -> StoreResult<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}
