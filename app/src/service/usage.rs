//! Usage (docs/rules/account.md#billing-usage-and-add-ons, `reports.view`): seat use over the last
//! 30 days, and per environment the principal reaches: users with access, API keys, user groups
//! with something shared there, and the media figures when the media platform has reported them.

use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::format::{day, month_start};
use crate::domain::usage::{seat_history, EnvironmentUsage, SeatDay, UsageReport};
use crate::domain::Permission;

const DAY: i64 = 86_400;
const HISTORY_DAYS: i64 = 30;

impl Service {
    pub async fn usage(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<UsageReport> {
        let permit = self
            .authorize(principal, Permission::ReportsView, meta)
            .await?;
        let now = self.now();
        let today = now - now.rem_euclid(DAY);
        let from = today - (HISTORY_DAYS - 1) * DAY;
        let to = today + DAY;
        let mut tx = self.db().read(&permit).await?;
        let seats = self.seats(&mut tx).await;
        let (mut tx, seats) = tx.or_end(seats).await?;
        let before = tx.seats_at(from).await?;
        let per_day = |rows: Vec<(i64, i64)>| {
            let mut v = vec![0i64; HISTORY_DAYS as usize];
            for (d, n) in rows {
                if let Some(slot) = usize::try_from(d).ok().and_then(|d| v.get_mut(d)) {
                    *slot += n;
                }
            }
            v
        };
        let created = per_day(tx.seat_changes_per_day(false, from, to).await?);
        let deleted = per_day(tx.seat_changes_per_day(true, from, to).await?);
        let seat_history = seat_history(before, &created, &deleted)
            .into_iter()
            .enumerate()
            .map(|(i, seats_used)| SeatDay {
                day: day(from + i as i64 * DAY),
                seats_used,
            })
            .collect();
        let cycle_start = month_start(now);
        let users = tx.users_per_environment().await?;
        let groups = tx.groups_per_environment().await?;
        let count_of = |counts: &[(String, i64)], id: &str| {
            counts.iter().find(|(e, _)| e == id).map_or(0, |(_, n)| *n)
        };
        let mut environments = Vec::new();
        for e in tx.environments().await? {
            if !principal.reaches(&e) {
                continue;
            }
            let (media, reported_through) = tx.media_usage(&e.id, &cycle_start).await?;
            environments.push(EnvironmentUsage {
                users_with_access: count_of(&users, &e.id),
                groups: count_of(&groups, &e.id),
                api_keys: e.key_count,
                asset_count: e.asset_count,
                media,
                reported_through,
                environment_id: e.id,
                name: e.name,
                cloud_name: e.cloud_name,
            });
        }
        tx.finish().await?;
        Ok(UsageReport {
            seat_limit: seats.limit,
            seats_used: seats.used,
            seat_history,
            cycle_start,
            environments,
        })
    }
}
