//! The Account page (docs/rules/account.md#accounts-and-plans): details, use against the plan, and
//! *Change plan* with every blocker listed.

use super::{Feature, Plan, Tier};
use serde::{Deserialize, Serialize};

/// What the Account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetails {
    pub id: String,
    pub name: String,
    pub company: String,
    pub plan_id: String,
    pub subscribed_via: String,
    pub created_at: i64,
    pub seats_used: i64,
    pub seat_limit: i64,
    pub environments_used: i64,
    pub environment_limit: i64,
}

/// A plan of the catalogue as *Change plan* offers it: what stands in the way, if anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOption {
    pub plan_id: String,
    pub name: String,
    pub seats: u32,
    pub environments: u32,
    pub current: bool,
    pub blockers: Vec<String>,
}

/// The account's use that a plan change must still fit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountUse {
    pub seats_used: i64,
    pub additional_user_subscriptions: i64,
    pub environments: i64,
    /// API keys restricted to some permissions (granular API key permissions).
    pub restricted_keys: i64,
    /// Names of registered add-ons on a paid tier.
    pub paid_addons: Vec<String>,
    pub subscribed_via: String,
    /// Account API keys (the Provisioning API's credentials).
    #[serde(default)]
    pub account_api_keys: i64,
    /// The account's own Enterprise seats, when the operator set them.
    #[serde(default)]
    pub enterprise_seats: Option<i64>,
}

/// Every reason `to` can't be taken now, in words that say what to do; empty: allowed.
pub fn plan_change_blockers(current: &Plan, to: &Plan, usage: &AccountUse) -> Vec<String> {
    let mut out = Vec::new();
    if current.id == to.id {
        out.push(format!("The account is already on {}", to.name));
        return out;
    }
    if usage.subscribed_via == "marketplace" {
        out.push("This account is billed through a marketplace; change the plan there".into());
    }
    let keeps_subscriptions = to.has(Feature::AdditionalUserSubscriptions);
    if usage.additional_user_subscriptions > 0 && !keeps_subscriptions {
        out.push(format!(
            "{} has no additional user subscriptions: set them to 0 first (now {})",
            to.name, usage.additional_user_subscriptions
        ));
    }
    let seats = to.seats_for(usage.enterprise_seats)
        + if keeps_subscriptions {
            usage.additional_user_subscriptions
        } else {
            0
        };
    if usage.seats_used > seats {
        out.push(format!(
            "{} users exceed the {seats}-seat limit",
            usage.seats_used
        ));
    }
    if usage.environments > i64::from(to.environments) {
        out.push(format!(
            "{} product environments exceed the limit of {}",
            usage.environments, to.environments
        ));
    }
    if usage.restricted_keys > 0 && !to.has(Feature::GranularApiKeyPermissions) {
        out.push(format!(
            "{} API keys have restricted permissions, which {} doesn't offer: give them full access first",
            usage.restricted_keys, to.name
        ));
    }
    if usage.account_api_keys > 0 && !to.has(Feature::ProvisioningApi) {
        out.push(format!(
            "{} has no Provisioning API: delete the {} account API key{} first",
            to.name,
            usage.account_api_keys,
            if usage.account_api_keys == 1 { "" } else { "s" }
        ));
    }
    if to.tier == Tier::Free && !usage.paid_addons.is_empty() {
        out.push(format!(
            "Cancel the paid add-ons first: {}",
            usage.paid_addons.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(id: &str) -> &'static Plan {
        Plan::find(id).unwrap()
    }

    #[test]
    fn every_blocker_is_listed() {
        let usage = AccountUse {
            seats_used: 12,
            additional_user_subscriptions: 2,
            environments: 3,
            restricted_keys: 1,
            paid_addons: vec!["AI Auto Tagging".into()],
            subscribed_via: "direct".into(),
            account_api_keys: 0,
            enterprise_seats: None,
        };
        let b = plan_change_blockers(plan("plus"), plan("free"), &usage);
        assert_eq!(b.len(), 5, "{b:?}");
        assert!(b.iter().any(|m| m == "12 users exceed the 3-seat limit"));
        assert!(b
            .iter()
            .any(|m| m.contains("3 product environments exceed the limit of 1")));
        // Plus → Advanced keeps everything.
        assert!(plan_change_blockers(plan("plus"), plan("advanced"), &usage).is_empty());
        // The subscriptions count toward the limit only where the plan has them.
        let b = plan_change_blockers(
            plan("advanced"),
            plan("plus"),
            &AccountUse {
                seats_used: 12,
                additional_user_subscriptions: 2,
                ..Default::default()
            },
        );
        assert!(b.is_empty(), "{b:?}");
        // An Enterprise account's own seats count where it goes to Enterprise.
        let many = AccountUse {
            seats_used: 150,
            ..Default::default()
        };
        assert_eq!(
            plan_change_blockers(plan("advanced"), plan("enterprise"), &many).len(),
            1
        );
        let own = AccountUse {
            enterprise_seats: Some(300),
            ..many
        };
        assert!(plan_change_blockers(plan("advanced"), plan("enterprise"), &own).is_empty());
        assert_eq!(plan("enterprise").seats_for(Some(300)), 300);
        assert_eq!(plan("plus").seats_for(Some(300)), 10);
        assert_eq!(
            plan_change_blockers(plan("plus"), plan("plus"), &usage).len(),
            1
        );
    }
}

/// Account security as its page shows it (docs/rules/two-factor.md#required).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSecurity {
    /// Every user signs in with a second factor; those without one set it up at their next
    /// sign-in.
    pub require_two_factor: bool,
    /// Active users who haven't set up two-factor authentication.
    pub users_without_two_factor: u32,
    /// Console sign-in, every console request and the Provisioning API come only from these
    /// (empty: from anywhere).
    pub allowed_ips: Vec<crate::domain::ip_allowlist::AllowedIp>,
    /// The address of the request that asked, as the console sees it.
    pub your_address: String,
    /// After this long without a request a session ends (minutes).
    pub session_idle_minutes: i64,
    /// This long after sign-in a session ends, whatever happens (hours).
    pub session_absolute_hours: i64,
}

/// Session lifetimes an account may choose (docs/rules/account-security.md#session-lifetimes).
pub const SESSION_IDLE_MINUTES: std::ops::RangeInclusive<i64> = 15..=480;
pub const SESSION_ABSOLUTE_HOURS: std::ops::RangeInclusive<i64> = 1..=72;
