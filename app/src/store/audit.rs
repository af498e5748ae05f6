use super::{StoreResult, Tx};
use crate::domain::audit::AuditRecord;
use crate::domain::audit_query::AuditFilter;
use sqlx::{QueryBuilder, Sqlite};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub account_id: Option<String>,
    pub at: i64,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub actor_label: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub target_label: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    pub result: String,
    #[sqlx(default)]
    pub repeat_key: Option<String>,
    /// How many times (1 unless repeated).
    #[sqlx(default)]
    pub times: i64,
}

impl Tx {
    /// Appends a record inside this transaction (extra records beside the one `commit` writes).
    /// A repeating record appends only the first of its key; later ones add to its count.
    pub async fn append_audit(&mut self, r: &AuditRecord) -> StoreResult<()> {
        if let Some(key) = &r.repeat_key {
            let (count,): (i64,) = sqlx::query_as(
                "INSERT INTO audit_repeats (repeat_key, count, last_at) VALUES (?, 1, ?) \
                 ON CONFLICT (repeat_key) DO UPDATE SET count = count + 1, last_at = excluded.last_at \
                 RETURNING count",
            )
            .bind(key)
            .bind(r.at)
            .fetch_one(self.conn())
            .await?;
            if count > 1 {
                return Ok(());
            }
        }
        sqlx::query(
            "INSERT INTO audit_log (account_id, at, actor_type, actor_id, actor_label, action, \
             target_type, target_id, target_label, before_json, after_json, ip, user_agent, \
             request_id, result, repeat_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.account_id)
        .bind(r.at)
        .bind(r.actor.kind())
        .bind(r.actor.id())
        .bind(r.actor.label())
        .bind(&r.action)
        .bind(r.target.as_ref().map(|t| t.kind.as_str()))
        .bind(r.target.as_ref().map(|t| t.id.as_str()))
        .bind(r.target.as_ref().map(|t| t.label.as_str()))
        .bind(r.before.as_ref().map(|v| v.to_string()))
        .bind(r.after.as_ref().map(|v| v.to_string()))
        .bind(r.request.as_ref().map(|m| m.ip.to_string()))
        .bind(r.request.as_ref().and_then(|m| m.user_agent.as_deref()))
        .bind(r.request.as_ref().map(|m| m.request_id.as_str()))
        .bind(r.result.as_str())
        .bind(&r.repeat_key)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The newest audit records of the account, newest first.
    pub async fn audit_records(&mut self, limit: i64) -> StoreResult<Vec<AuditRow>> {
        let account_id = self.account()?;
        Ok(sqlx::query_as(
            "SELECT a.*, COALESCE(r.count, 1) AS times FROM audit_log a \
                 LEFT JOIN audit_repeats r ON r.repeat_key = a.repeat_key \
                 WHERE a.account_id = ? ORDER BY a.id DESC LIMIT ?",
        )
        .bind(&account_id)
        .bind(limit)
        .fetch_all(self.conn())
        .await?)
    }

    /// A page of the account's records matching `f`, newest first: at most `limit` (a
    /// literal in the statement: the page size or the export's batch). Each filter is a range
    /// of an index ending in the id (migrations/0014_audit_search.sql), so the page is read
    /// from the index in order and stops after `limit` rows. An area (`user.`) is the
    /// actions it holds, each read so, then merged: one index range of an area's several
    /// actions isn't in id order, and sorting all of its records took 300 ms at 400,000.
    pub async fn audit_page(
        &mut self,
        f: &AuditFilter,
        limit: usize,
    ) -> StoreResult<Vec<AuditRow>> {
        let limit = limit.clamp(1, 5000);
        let Some(area) = f.action.as_deref().filter(|a| a.ends_with('.')) else {
            let mut q = page_query(self.account()?, f, f.action.as_deref(), limit);
            return Ok(q.build_query_as().fetch_all(self.conn()).await?);
        };
        let mut rows: Vec<AuditRow> = Vec::new();
        for action in self.actions_of_area(area).await? {
            let mut q = page_query(self.account()?, f, Some(&action), limit);
            rows.extend(
                q.build_query_as::<AuditRow>()
                    .fetch_all(self.conn())
                    .await?,
            );
        }
        rows.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        rows.truncate(limit);
        Ok(rows)
    }

    /// The distinct actions of an area in the account's log: one index seek per action
    /// (a loose index scan), not a walk over the area's records.
    async fn actions_of_area(&mut self, area: &str) -> StoreResult<Vec<String>> {
        let account_id = self.account()?;
        let end = format!("{}/", &area[..area.len() - 1]);
        let rows: Vec<(String,)> = sqlx::query_as(
            "WITH RECURSIVE a(x) AS ( \
               SELECT MIN(action) FROM audit_log WHERE account_id = ?1 AND action >= ?2 AND action < ?3 \
               UNION ALL \
               SELECT (SELECT MIN(action) FROM audit_log WHERE account_id = ?1 AND action > a.x AND action < ?3) \
               FROM a WHERE a.x IS NOT NULL) \
             SELECT x FROM a WHERE x IS NOT NULL",
        )
        .bind(&account_id)
        .bind(area)
        .bind(&end)
        .fetch_all(self.conn())
        .await?;
        Ok(rows.into_iter().map(|(a,)| a).collect())
    }
}

/// The statement of a page: the account's records matching `f` (with `action`, exactly, in
/// place of the filter's), newest first, at most `limit`.
fn page_query(
    account_id: String,
    f: &AuditFilter,
    action: Option<&str>,
    limit: usize,
) -> QueryBuilder<Sqlite> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT a.*, COALESCE(r.count, 1) AS times FROM audit_log a \
         LEFT JOIN audit_repeats r ON r.repeat_key = a.repeat_key WHERE a.account_id = ",
    );
    q.push_bind(account_id);
    if let Some(action) = action {
        q.push(" AND a.action = ").push_bind(action.to_string());
    }
    push_filters(&mut q, f);
    q.push(format!(" ORDER BY a.id DESC LIMIT {limit}"));
    q
}

/// The filter's conditions but the action (which each statement puts its own way).
fn push_filters(q: &mut QueryBuilder<Sqlite>, f: &AuditFilter) {
    if let Some(actor) = &f.actor {
        q.push(" AND COALESCE(a.actor_label, a.actor_type) = ")
            .push_bind(actor.clone());
    }
    if let Some(target) = &f.target {
        q.push(" AND (a.target_id = ")
            .push_bind(target.clone())
            .push(" OR a.target_label = ")
            .push_bind(target.clone())
            .push(")");
    }
    if let Some(from) = f.from {
        q.push(" AND a.at >= ").push_bind(from);
    }
    if let Some(to) = f.to {
        q.push(" AND a.at < ").push_bind(to);
    }
    if let Some(before) = f.before_id {
        q.push(" AND a.id < ").push_bind(before);
    }
}

impl Tx {
    /// How many of the account's records match `f` (an export's total, for its progress):
    /// an area is the range of its actions' names.
    pub async fn audit_count(&mut self, f: &AuditFilter) -> StoreResult<u64> {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT COUNT(*) FROM audit_log a WHERE a.account_id = ");
        q.push_bind(self.account()?);
        match f.action.as_deref() {
            Some(area) if area.ends_with('.') => {
                q.push(" AND a.action >= ")
                    .push_bind(area.to_string())
                    .push(" AND a.action < ")
                    .push_bind(format!("{}/", &area[..area.len() - 1]));
            }
            Some(action) => {
                q.push(" AND a.action = ").push_bind(action.to_string());
            }
            None => {}
        }
        push_filters(&mut q, f);
        let (n,): (i64,) = q.build_query_as().fetch_one(self.conn()).await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl Tx {
    /// Removes the records older than `before` (the audit log's delete trigger lets only
    /// these go, once announced in `audit_prune`); returns how many went, per account.
    pub async fn prune_audit_log(
        &mut self,
        before: i64,
    ) -> StoreResult<Vec<(Option<String>, i64)>> {
        let counts: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT account_id, COUNT(*) FROM audit_log WHERE at < ? GROUP BY account_id",
        )
        .bind(before)
        .fetch_all(self.conn())
        .await?;
        if counts.is_empty() {
            return Ok(counts);
        }
        sqlx::query("INSERT INTO audit_prune (prune_before) VALUES (?)")
            .bind(before)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM audit_log WHERE at < ?")
            .bind(before)
            .execute(self.conn())
            .await?;
        sqlx::query("DELETE FROM audit_repeats WHERE last_at < ?")
            .bind(before)
            .execute(self.conn())
            .await?;
        Ok(counts)
    }
}
