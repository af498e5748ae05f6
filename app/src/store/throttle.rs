use super::{StoreResult, Tx};
use crate::domain::ThrottleState;

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    consecutive_failures: i64,
    last_failure_at: i64,
    window_start: i64,
    window_failures: i64,
    locked_until: i64,
}

impl Tx {
    pub async fn throttle_state(&mut self, key: &str) -> StoreResult<ThrottleState> {
        let row: Option<ThrottleRow> = sqlx::query_as(
            "SELECT consecutive_failures, last_failure_at, window_start, window_failures, locked_until \
             FROM sign_in_throttle WHERE throttle_key = ?",
        )
        .bind(key)
        .fetch_optional(self.conn())
        .await?;
        Ok(row
            .map(|r| ThrottleState {
                consecutive_failures: u32::try_from(r.consecutive_failures).unwrap_or(u32::MAX),
                last_failure_at: r.last_failure_at,
                window_start: r.window_start,
                window_failures: u32::try_from(r.window_failures).unwrap_or(u32::MAX),
                locked_until: r.locked_until,
            })
            .unwrap_or_default())
    }

    pub async fn save_throttle_state(&mut self, key: &str, s: &ThrottleState) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sign_in_throttle (throttle_key, consecutive_failures, last_failure_at, \
             window_start, window_failures, locked_until) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (throttle_key) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, \
             last_failure_at = excluded.last_failure_at, window_start = excluded.window_start, \
             window_failures = excluded.window_failures, locked_until = excluded.locked_until",
        )
        .bind(key)
        .bind(i64::from(s.consecutive_failures))
        .bind(s.last_failure_at)
        .bind(s.window_start)
        .bind(i64::from(s.window_failures))
        .bind(s.locked_until)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
