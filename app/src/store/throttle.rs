use super::{StoreResult, Tx};
use crate::domain::{Policy, ThrottleState};
use sqlx::{QueryBuilder, Sqlite};

#[derive(sqlx::FromRow)]
struct ThrottleRow {
    throttle_key: String,
    consecutive_failures: i64,
    last_failure_at: i64,
    window_start: i64,
    window_failures: i64,
    locked_until: i64,
}

impl From<&ThrottleRow> for ThrottleState {
    fn from(r: &ThrottleRow) -> Self {
        ThrottleState {
            consecutive_failures: u32::try_from(r.consecutive_failures).unwrap_or(u32::MAX),
            last_failure_at: r.last_failure_at,
            window_start: r.window_start,
            window_failures: u32::try_from(r.window_failures).unwrap_or(u32::MAX),
            locked_until: r.locked_until,
        }
    }
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
        let [state] = self.throttle_states([key]).await?;
        Ok(state)
    }

    /// The states of several throttles, in the order of `keys`, read in one statement (a
    /// sign-in answers to two: each statement is a round trip to the connection's thread).
    pub async fn throttle_states<const N: usize>(
        &mut self,
        keys: [&str; N],
    ) -> StoreResult<[ThrottleState; N]> {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT throttle_key, consecutive_failures, last_failure_at, window_start, \
             window_failures, locked_until FROM sign_in_throttle WHERE throttle_key IN (",
        );
        let mut sep = q.separated(", ");
        for key in keys {
            sep.push_bind(key.to_string());
        }
        q.push(")");
        let rows: Vec<ThrottleRow> = q.build_query_as().fetch_all(self.conn()).await?;
        Ok(keys.map(|key| {
            rows.iter()
                .find(|r| r.throttle_key == key)
                .map(ThrottleState::from)
                .unwrap_or_default()
        }))
    }

    pub async fn save_throttle_state(&mut self, key: &str, s: &ThrottleState) -> StoreResult<()> {
        self.save_throttle_states(&[(key, s)]).await
    }

    /// Writes the states of several throttles in one statement.
    pub async fn save_throttle_states(
        &mut self,
        states: &[(&str, &ThrottleState)],
    ) -> StoreResult<()> {
        if states.is_empty() {
            return Ok(());
        }
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO sign_in_throttle (throttle_key, consecutive_failures, last_failure_at, \
             window_start, window_failures, locked_until) ",
        );
        q.push_values(states, |mut row, (key, s)| {
            row.push_bind(key.to_string())
                .push_bind(i64::from(s.consecutive_failures))
                .push_bind(s.last_failure_at)
                .push_bind(s.window_start)
                .push_bind(i64::from(s.window_failures))
                .push_bind(s.locked_until);
        });
        q.push(
            " ON CONFLICT (throttle_key) DO UPDATE SET consecutive_failures = excluded.consecutive_failures, \
             last_failure_at = excluded.last_failure_at, window_start = excluded.window_start, \
             window_failures = excluded.window_failures, locked_until = excluded.locked_until",
        );
        q.build().execute(self.conn()).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Database, Permit};
    use super::*;

    fn state(failures: u32, locked_until: i64) -> ThrottleState {
        ThrottleState {
            consecutive_failures: failures,
            last_failure_at: 100,
            window_start: 90,
            window_failures: failures + 1,
            locked_until,
        }
    }

    #[tokio::test]
    async fn several_throttles_are_read_in_the_order_asked_and_written_together() {
        let db = Database::open_in_memory().await.unwrap();
        let permit = Permit::for_store_tests("account");
        let mut tx = db.write(&permit).await.unwrap();
        let (a, b) = (state(1, 0), state(4, 700));
        tx.save_throttle_states(&[("ip:a", &a), ("email:b", &b)])
            .await
            .unwrap();
        let [never, second, first] = tx
            .throttle_states(["email:never", "email:b", "ip:a"])
            .await
            .unwrap();
        assert_eq!(never, ThrottleState::default());
        assert_eq!((first, second), (a, b));
        // Written again: each row replaced, not added to.
        let later = state(0, 0);
        tx.save_throttle_states(&[("email:b", &later), ("ip:a", &later)])
            .await
            .unwrap();
        assert_eq!(
            tx.throttle_states(["ip:a", "email:b"]).await.unwrap(),
            [later, later]
        );
        tx.save_throttle_states(&[]).await.unwrap();
        assert_eq!(tx.throttle_state("email:b").await.unwrap(), later);
    }
}
