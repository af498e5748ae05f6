//! The permit: what the service authorized, shown to the store to open a transaction.
//!
//! A permit for a principal carries the account it was checked against and the product
//! environments the principal reaches; the transaction it opens answers for that account
//! only (the store's queries take the account from it, never from an argument), and
//! refuses an environment outside that reach. The paths that act before anyone is signed
//! in, or for the installation as a whole, have named constructors (`Permit::for_…`), so
//! one search lists them all. Only the service makes permits (`docs/architecture.md`;
//! `app/tests/layers.rs` checks that nothing else calls these constructors).

use crate::domain::EnvironmentAccess;

/// Why a permit without an account was made: each is a path that legitimately acts
/// without a signed-in principal's account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unscoped {
    /// Sign-in: throttles and the user by email, before anyone is known.
    SignIn,
    /// Resolving a session token to its principal.
    SessionCheck,
    /// An invitation or password link, found by its token.
    LinkRedemption,
    /// The outbox's sender, across every account.
    EmailSender,
    /// The first account of an installation (setup page, `server bootstrap`).
    Bootstrap,
    /// An account API key, found by its number, before its account is known.
    KeyCheck,
    /// The server starting (system roles).
    StartUp,
    /// The operator at the command line (`server outbox`, `server account-api-key create`).
    Operator,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Scope {
    Account {
        account_id: String,
        environments: EnvironmentAccess,
    },
    Unscoped(Unscoped),
}

/// Proof, for the store, that the service decided this access, and what it covers.
#[derive(Debug, Clone)]
pub struct Permit {
    pub(super) scope: Scope,
}

impl Permit {
    /// What the permission check granted a principal: their account, and the product
    /// environments they reach.
    pub(crate) fn for_principal(account_id: &str, environments: &EnvironmentAccess) -> Permit {
        Permit {
            scope: Scope::Account {
                account_id: account_id.to_string(),
                environments: environments.clone(),
            },
        }
    }

    pub(crate) const fn for_sign_in() -> Permit {
        Permit::unscoped(Unscoped::SignIn)
    }

    pub(crate) const fn for_session_check() -> Permit {
        Permit::unscoped(Unscoped::SessionCheck)
    }

    pub(crate) const fn for_link_redemption() -> Permit {
        Permit::unscoped(Unscoped::LinkRedemption)
    }

    pub(crate) const fn for_email_sender() -> Permit {
        Permit::unscoped(Unscoped::EmailSender)
    }

    pub(crate) const fn for_bootstrap() -> Permit {
        Permit::unscoped(Unscoped::Bootstrap)
    }

    pub(crate) const fn for_key_check() -> Permit {
        Permit::unscoped(Unscoped::KeyCheck)
    }

    pub(crate) const fn for_start_up() -> Permit {
        Permit::unscoped(Unscoped::StartUp)
    }

    pub(crate) const fn for_operator() -> Permit {
        Permit::unscoped(Unscoped::Operator)
    }

    const fn unscoped(why: Unscoped) -> Permit {
        Permit {
            scope: Scope::Unscoped(why),
        }
    }

    /// The account this permit is for, if it is one principal's.
    pub fn account_id(&self) -> Option<&str> {
        match &self.scope {
            Scope::Account { account_id, .. } => Some(account_id),
            Scope::Unscoped(_) => None,
        }
    }

    /// For the store's own unit tests: a principal of `account_id` reaching every
    /// environment.
    #[cfg(test)]
    pub(crate) fn for_store_tests(account_id: &str) -> Permit {
        Permit::for_principal(account_id, &EnvironmentAccess::All)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{AccountRow, Database, GroupRow, StoreError};

    async fn with_accounts(ids: &[&str]) -> Database {
        let db = Database::open_in_memory().await.unwrap();
        let permit = Permit::for_bootstrap();
        let mut tx = db.write(&permit).await.unwrap();
        for id in ids {
            let row = AccountRow {
                id: id.to_string(),
                name: format!("Account {id}"),
                company: None,
                plan: "enterprise".into(),
                additional_user_subscriptions: 0,
                subscribed_via: "direct".into(),
                seats_used: 0,
                enterprise_seats: None,
                created_at: 0,
                updated_at: 0,
            };
            tx.insert_account(&row).await.unwrap();
        }
        tx.commit_bookkeeping(&permit).await.unwrap();
        db
    }

    fn group(account_id: &str, id: &str) -> GroupRow {
        GroupRow {
            id: id.into(),
            account_id: account_id.into(),
            name: id.into(),
            created_at: 0,
            updated_at: 0,
            member_count: 0,
        }
    }

    fn out_of_scope<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
        matches!(r, Err(StoreError::OutOfScope(_)))
    }

    #[tokio::test]
    async fn a_transaction_answers_for_its_permits_account_only() {
        let db = with_accounts(&["a", "b"]).await;
        let b = Permit::for_store_tests("b");
        let mut tx = db.write(&b).await.unwrap();
        tx.insert_group(&group("b", "g-of-b"), "g-of-b")
            .await
            .unwrap();
        tx.commit_bookkeeping(&b).await.unwrap();

        let a = Permit::for_store_tests("a");
        let mut tx = db.write(&a).await.unwrap();
        assert!(
            tx.groups().await.unwrap().is_empty(),
            "b's group is not a's"
        );
        assert!(tx.group("g-of-b").await.unwrap().is_none());
        assert_eq!(tx.account_row().await.unwrap().unwrap().id, "a");
        assert!(out_of_scope(tx.insert_group(&group("b", "g2"), "g2").await));
        assert!(out_of_scope(tx.within_account("b")));
        tx.within_account("a").unwrap();
        tx.finish().await.unwrap();
    }

    #[tokio::test]
    async fn a_principal_limited_to_some_environments_reaches_only_those() {
        let db = with_accounts(&["a"]).await;
        let only = Permit::for_principal("a", &EnvironmentAccess::Only(vec!["e1".into()]));
        let mut tx = db.read(&only).await.unwrap();
        assert!(tx.api_keys("e1").await.unwrap().is_empty());
        assert!(out_of_scope(tx.api_keys("e2").await));
        tx.finish().await.unwrap();
    }

    #[tokio::test]
    async fn a_permit_without_an_account_has_none_until_narrowed_once() {
        let db = with_accounts(&["a", "b"]).await;
        let mut tx = db.read(&Permit::for_sign_in()).await.unwrap();
        assert!(out_of_scope(tx.groups().await));
        assert!(out_of_scope(tx.account_row().await));
        tx.within_account("a").unwrap();
        assert_eq!(tx.account_row().await.unwrap().unwrap().id, "a");
        assert!(out_of_scope(tx.within_account("b")));
        tx.finish().await.unwrap();
    }
}
