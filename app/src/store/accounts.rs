use super::{StoreResult, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    pub plan: String,
    pub additional_user_subscriptions: i64,
    pub subscribed_via: String,
    /// Kept by the database (triggers on users); ignored on insert.
    #[sqlx(default)]
    pub seats_used: i64,
    /// An Enterprise account's own seats (`None`: the plan's); never written on insert.
    #[sqlx(default)]
    pub enterprise_seats: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Tx {
    pub async fn account_count(&mut self) -> StoreResult<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM accounts")
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }

    /// Every account's id, oldest first.
    pub async fn account_ids(&mut self) -> StoreResult<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT id FROM accounts ORDER BY created_at, id")
                .fetch_all(self.conn())
                .await?,
        )
    }

    pub async fn insert_account(&mut self, a: &AccountRow) -> StoreResult<()> {
        self.own(&a.id)?;
        sqlx::query(
            "INSERT INTO accounts (id, name, company, plan, additional_user_subscriptions, \
             subscribed_via, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&a.id)
        .bind(&a.name)
        .bind(&a.company)
        .bind(&a.plan)
        .bind(a.additional_user_subscriptions)
        .bind(&a.subscribed_via)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The transaction's account.
    pub async fn account_row(&mut self) -> StoreResult<Option<AccountRow>> {
        let id = self.account()?;
        account_row_on(self.conn(), &id).await
    }
}

/// The account `id`, on this connection (in a transaction or not).
pub(super) async fn account_row_on(
    conn: &mut sqlx::SqliteConnection,
    id: &str,
) -> StoreResult<Option<AccountRow>> {
    Ok(sqlx::query_as("SELECT * FROM accounts WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await?)
}

impl Tx {
    /// Sets the account's own Enterprise seats (`None`: the plan's default again).
    pub async fn set_enterprise_seats(&mut self, seats: Option<i64>, now: i64) -> StoreResult<()> {
        let account_id = self.account()?;
        sqlx::query("UPDATE accounts SET enterprise_seats = ?, updated_at = ? WHERE id = ?")
            .bind(seats)
            .bind(now)
            .bind(&account_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
