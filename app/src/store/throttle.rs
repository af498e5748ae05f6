use super::{StoreResult, Tx};
use crate::domain::{Policy, ThrottleState};

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    consecutive_failures: i64,
    last_failure_at: i64,
    window_start: i64,
    window_failures: i64,
    locked_until: i64,
}

impl Tx {
    /// Counts one try under `key` against `policy` — unless `policy` refuses it already:
    /// then the seconds to wait, and nothing is counted.
    pub async fn count_try(
        &mut self,
        key: &str,
        policy: &Policy,
        now: i64,
    ) -> StoreResult<Option<i64>> {
        let mut state = self.throttle_state(key).await?;
        if let Some(retry_after) = policy.verdict(&state, now).retry_after(now) {
            return Ok(Some(retry_after));
        }
        policy.record_failure(&mut state, now);
        self.save_throttle_state(key, &state).await?;
        Ok(None)
    }

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
