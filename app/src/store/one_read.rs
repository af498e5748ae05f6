//! One-statement reads outside a transaction, and the connection a request keeps between
//! them.

use super::permit::Scope;
use super::{Database, Permit, StoreError, StoreResult};
use sqlx::pool::PoolConnection;
use sqlx::Sqlite;
use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    /// The connection of a request's last one-statement read, kept for its next one
    /// (see [`request_scope`]), with the id of the database it belongs to.
    static KEPT: RefCell<Option<(u64, PoolConnection<Sqlite>)>>;
}

/// Runs `request` keeping the connection of each one-statement read ([`Database::one_read`])
/// for the request's next one: a request that checks its credentials and then reads its
/// page takes one connection from the pool, and gives one back, instead of two — each
/// return is a round trip to the connection's thread (sqlx pings it). A transaction first
/// gives the kept connection back, so a request never holds two; whatever is kept goes
/// back when `request` ends.
pub async fn request_scope<F: Future>(request: F) -> F::Output {
    KEPT.scope(RefCell::new(None), request).await
}

/// Gives the connection a request kept back to the pool (a no-op outside a [`request_scope`]):
/// before the request waits on anything but the database — its client, for one.
pub fn give_back_kept() {
    let _ = KEPT.try_with(|k| k.borrow_mut().take());
}

impl Database {
    /// A connection for one read statement, which is a consistent snapshot on its own:
    /// no BEGIN and ROLLBACK round trips on the hottest checks. It can't write. Inside a
    /// [`request_scope`], the connection of the request's previous one-statement read, if
    /// it kept one.
    pub async fn one_read(&self, permit: &Permit) -> StoreResult<OneRead> {
        let kept = KEPT
            .try_with(|k| {
                let mut k = k.borrow_mut();
                match k.take() {
                    Some((id, conn)) if id == self.id => Some(conn),
                    other => {
                        *k = other;
                        None
                    }
                }
            })
            .ok()
            .flatten();
        let conn = match kept {
            Some(conn) => conn,
            None => self.pool.acquire().await?,
        };
        Ok(OneRead {
            conn: Some(conn),
            db: self.id,
            scope: permit.scope.clone(),
        })
    }
}

/// One read statement outside a transaction (see [`Database::one_read`]); its methods
/// consume it. Dropped, its connection goes back to the pool, or is kept for the
/// request's next read inside a [`request_scope`].
pub struct OneRead {
    /// Always `Some` until dropped.
    conn: Option<PoolConnection<Sqlite>>,
    db: u64,
    scope: Scope,
}

impl OneRead {
    /// The account the read answers for (see [`Tx`](super::Tx)).
    pub(super) fn account(&self) -> StoreResult<String> {
        super::account_of(&self.scope).map(str::to_string)
    }

    /// `environment_id`, checked against the permit's reach (see [`Tx`](super::Tx)).
    pub(super) fn reach<'a>(&self, environment_id: &'a str) -> StoreResult<&'a str> {
        super::reached(&self.scope, environment_id)
    }

    pub(super) fn conn(&mut self) -> StoreResult<&mut sqlx::SqliteConnection> {
        self.conn
            .as_deref_mut()
            .ok_or_else(|| StoreError::Corrupt("read connection already given back".into()))
    }
}

impl Drop for OneRead {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            let db = self.db;
            // Outside a request scope, or with a connection kept already, the closure's
            // connection is dropped: back to the pool.
            let _ = KEPT.try_with(move |k| {
                let mut k = k.borrow_mut();
                if k.is_none() {
                    *k = Some((db, conn));
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::{Actor, AuditRecord};

    /// The connection's own identity: SQLite numbers a connection's temporary schema per
    /// connection, so a TEMP table made on one is invisible on any other.
    async fn mark(read: &mut OneRead) {
        sqlx::query("CREATE TEMP TABLE IF NOT EXISTS kept_mark (x INTEGER)")
            .execute(read.conn().unwrap())
            .await
            .unwrap();
    }

    async fn is_marked(read: &mut OneRead) -> bool {
        sqlx::query("SELECT 1 FROM temp.sqlite_master WHERE name = 'kept_mark'")
            .fetch_optional(read.conn().unwrap())
            .await
            .unwrap()
            .is_some()
    }

    async fn database(dir: &std::path::Path) -> Database {
        Database::open(dir).await.unwrap()
    }

    #[tokio::test]
    async fn a_request_reads_twice_on_one_connection_and_outside_one_takes_any() {
        let dir = tempfile::tempdir().unwrap();
        let db = database(dir.path()).await;
        let permit = Permit::for_store_tests("account");
        request_scope(async {
            let mut first = db.one_read(&permit).await.unwrap();
            mark(&mut first).await;
            drop(first);
            let mut second = db.one_read(&permit).await.unwrap();
            assert!(
                is_marked(&mut second).await,
                "the request's next read kept its connection"
            );
            // Back in the pool unmarked: the next check must not meet this mark.
            sqlx::query("DROP TABLE temp.kept_mark")
                .execute(second.conn().unwrap())
                .await
                .unwrap();
        })
        .await;
        // Held at once, two reads of one request take two connections.
        request_scope(async {
            let mut a = db.one_read(&permit).await.unwrap();
            let mut b = db.one_read(&permit).await.unwrap();
            mark(&mut a).await;
            assert!(!is_marked(&mut b).await);
        })
        .await;
        db.close().await;
    }

    #[tokio::test]
    async fn another_database_in_the_same_request_never_gets_the_kept_connection() {
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let (one, two) = (database(d1.path()).await, database(d2.path()).await);
        let permit = Permit::for_store_tests("account");
        request_scope(async {
            let mut read = one.one_read(&permit).await.unwrap();
            mark(&mut read).await;
            drop(read);
            let mut other = two.one_read(&permit).await.unwrap();
            assert!(!is_marked(&mut other).await);
            drop(other);
            // The first database's connection was kept meanwhile... or the second's: either
            // way each database only ever reads on its own connections.
            let mut again = one.one_read(&permit).await.unwrap();
            sqlx::query("SELECT COUNT(*) FROM accounts")
                .fetch_one(again.conn().unwrap())
                .await
                .unwrap();
        })
        .await;
    }

    #[tokio::test]
    async fn a_transaction_gives_the_kept_connection_back_first() {
        // One connection in all: a transaction that waited for a second would never start.
        let db = Database::open_in_memory().await.unwrap();
        let permit = Permit::for_store_tests("account");
        let done = tokio::time::timeout(
            std::time::Duration::from_secs(10),
            request_scope(async {
                drop(db.one_read(&permit).await.unwrap());
                let tx = db.write(&permit).await.unwrap();
                let record = AuditRecord::new("test.kept", Actor::Operator, 0, None);
                tx.commit(&record).await.unwrap();
                drop(db.one_read(&permit).await.unwrap());
                db.read(&permit).await.unwrap().finish().await.unwrap();
            }),
        )
        .await;
        assert!(
            done.is_ok(),
            "the transaction waited for the kept connection"
        );
    }
}
