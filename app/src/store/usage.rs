//! Counts for the Usage page: seat history, per-environment users, keys and groups, media usage.

use super::{StoreResult, Tx};

impl Tx {
    /// Seats in use at `at` (users created before it and not deleted by then).
    pub async fn seats_at(&mut self, at: i64) -> StoreResult<i64> {
        let account_id = self.account()?;
        let (n,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM users WHERE account_id = ? AND created_at < ? \
             AND (deleted_at IS NULL OR deleted_at >= ?)",
        )
        .bind(&account_id)
        .bind(at)
        .bind(at)
        .fetch_one(self.conn())
        .await?;
        Ok(n)
    }

    /// Users created (`column` = created_at) or deleted (`deleted_at`) per day in
    /// `[from, to)`: (day index from `from`, count).
    pub async fn seat_changes_per_day(
        &mut self,
        deleted: bool,
        from: i64,
        to: i64,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let account_id = self.account()?;
        let column = if deleted { "deleted_at" } else { "created_at" };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT ({column} - ?) / 86400 AS d, COUNT(*) FROM users WHERE account_id = ? \
             AND {column} >= ? AND {column} < ? GROUP BY d"
        )))
        .bind(from)
        .bind(&account_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.conn())
        .await?)
    }

    /// Users (not deleted) with access to each environment of the account, directly or
    /// through "all environments": (environment id, count).
    pub async fn users_per_environment(&mut self) -> StoreResult<Vec<(String, i64)>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT e.id, COUNT(DISTINCT u.id) FROM environments e \
             JOIN role_assignments ra ON ra.account_id = e.account_id AND ra.principal_type = 'user' \
             AND (ra.scope = 'environment:all' OR ra.scope = 'environment:' || e.id) \
             JOIN users u ON u.id = ra.principal_id AND u.status <> 'inactive' \
             WHERE e.account_id = ? GROUP BY e.id",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// User groups holding a share on a folder or collection of each environment of the
    /// account: (environment id, count). A share's scope is `folder:<env>/<id>` or
    /// `collection:<env>/<id>`, so each environment is one range of the scope index
    /// (`/` sorts just before `0`).
    pub async fn groups_per_environment(&mut self) -> StoreResult<Vec<(String, i64)>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT e.id, COUNT(DISTINCT ra.principal_id) FROM environments e \
             JOIN role_assignments ra ON ra.principal_type = 'group' AND ( \
               (ra.scope >= 'folder:' || e.id || '/' AND ra.scope < 'folder:' || e.id || '0') \
               OR (ra.scope >= 'collection:' || e.id || '/' AND ra.scope < 'collection:' || e.id || '0')) \
             WHERE e.account_id = ? GROUP BY e.id",
        )
        .bind(&account_id)
        .fetch_all(self.conn())
        .await?)
    }

    /// Media usage an environment reported since `from_day`: (metric, total), and the last
    /// day reported.
    pub async fn media_usage(
        &mut self,
        environment_id: &str,
        from_day: &str,
    ) -> StoreResult<(Vec<(String, f64)>, Option<String>)> {
        let environment_id = self.reach(environment_id)?;
        let totals: Vec<(String, f64)> = sqlx::query_as(
            "SELECT metric, SUM(value) FROM media_usage WHERE environment_id = ? AND day >= ? \
             GROUP BY metric ORDER BY metric",
        )
        .bind(environment_id)
        .bind(from_day)
        .fetch_all(self.conn())
        .await?;
        let (last,): (Option<String>,) =
            sqlx::query_as("SELECT MAX(day) FROM media_usage WHERE environment_id = ?")
                .bind(environment_id)
                .fetch_one(self.conn())
                .await?;
        Ok((totals, last))
    }

    pub async fn put_media_usage(
        &mut self,
        environment_id: &str,
        day: &str,
        metric: &str,
        value: f64,
        now: i64,
    ) -> StoreResult<()> {
        let environment_id = self.reach(environment_id)?;
        sqlx::query(
            "INSERT INTO media_usage (environment_id, day, metric, value, reported_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (environment_id, day, metric) \
             DO UPDATE SET value = excluded.value, reported_at = excluded.reported_at",
        )
        .bind(environment_id)
        .bind(day)
        .bind(metric)
        .bind(value)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
