//! Seat licences (docs/rules/users.md#seats): additional user subscriptions on paid, direct plans.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::user::MAX_ADDITIONAL_USER_SUBSCRIPTIONS;
use crate::domain::Permission;
use crate::domain::Refusal;
use serde_json::json;

impl Service {
    /// Change user limit (`plan.manage`): sets the additional user subscriptions (0–20),
    /// never below the seats in use. Returns the new limit.
    pub async fn set_additional_user_subscriptions(
        &self,
        principal: &Principal,
        value: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<i64> {
        let permit = self
            .authorize(principal, Permission::PlanManage, meta)
            .await?;
        let field = "additional_user_subscriptions";
        let n: i64 = match value.trim().parse() {
            Ok(n) if n < 0 => {
                return Err(ServiceError::invalid(field, "Enter a number from 0 to 20"))
            }
            Ok(n) if n > MAX_ADDITIONAL_USER_SUBSCRIPTIONS => {
                return Err(ServiceError::invalid(
                    field,
                    "Contact your provider for more than 20 additional users",
                ))
            }
            Ok(n) => n,
            Err(_) => return Err(ServiceError::invalid(field, "Enter a number from 0 to 20")),
        };
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let seats = self.seats(&mut tx).await?;
        if !seats.subscriptions_available {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::SubscriptionsUnavailable));
        }
        let new_limit = seats.limit - seats.additional + n;
        if seats.used > new_limit {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                field,
                format!("{} users exceed the new limit of {new_limit}", seats.used),
            ));
        }
        tx.set_additional_user_subscriptions(n, now).await?;
        let record = AuditRecord::new("account.user_limit_update", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("account", &principal.account_id, "additional user subscriptions"))
            .change(
                Some(json!({ "additional_user_subscriptions": seats.additional, "seat_limit": seats.limit })),
                Some(json!({ "additional_user_subscriptions": n, "seat_limit": new_limit })),
            );
        tx.commit(&record).await?;
        Ok(new_limit)
    }
}

/// Most seats an Enterprise account may be given.
pub const MAX_ENTERPRISE_SEATS: i64 = 100_000;

impl Service {
    /// `server seats set --count N`: an Enterprise account's own seat count (the plan's
    /// "per account" seats), never below the seats in use; other plans have their plan's.
    /// Returns the account and its new limit.
    pub async fn set_enterprise_seats_as_operator(
        &self,
        account_id: Option<&str>,
        count: i64,
    ) -> ServiceResult<(String, i64)> {
        let field = "count";
        if !(1..=MAX_ENTERPRISE_SEATS).contains(&count) {
            return Err(ServiceError::invalid(
                field,
                format!("Enter a number of seats from 1 to {MAX_ENTERPRISE_SEATS}"),
            ));
        }
        let account_id = self.operator_account(account_id).await?;
        let permit = crate::store::Permit::for_operator();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&account_id)?;
        let account = self.account_row(&mut tx).await;
        let (mut tx, account) = tx.or_end(account).await?;
        let plan = crate::domain::Plan::find(&account.plan);
        if plan.is_none_or(|p| p.tier != crate::domain::Tier::Enterprise) {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                field,
                "Only an Enterprise account has its own seat count; other plans have their plan's seats",
            ));
        }
        let seats = self.seats(&mut tx).await?;
        let new_limit = count + seats.additional;
        if seats.used > new_limit {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                field,
                format!("{} users exceed the new limit of {new_limit}", seats.used),
            ));
        }
        let now = self.now();
        tx.set_enterprise_seats(Some(count), now).await?;
        let record = AuditRecord::new("account.seats_update", super::Actor::Operator, now, None)
            .account(&account_id)
            .target(AuditTarget::new("account", &account_id, "seats"))
            .change(
                Some(json!({ "seat_limit": seats.limit })),
                Some(json!({ "seat_limit": new_limit })),
            );
        tx.commit(&record).await?;
        Ok((account_id, new_limit))
    }
}
