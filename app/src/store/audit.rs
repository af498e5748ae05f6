use super::{StoreResult, Tx};
use crate::domain::audit::AuditRecord;

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
}
