//! The default plan catalogue (docs/rules/account.md#accounts-and-plans). Every feature gate reads
//! it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Free,
    Paid,
    Enterprise,
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    GranularApiKeyPermissions,
    AdditionalUserSubscriptions,
    ProvisioningApi,
    SamlSso,
    SamlProvisioning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// The plan id used in the CLI and stored on the account (`enterprise`).
    pub id: &'static str,
    pub name: &'static str,
    pub tier: Tier,
    /// Base seats (for enterprise: the per-account default).
    pub seats: u32,
    pub environments: u32,
    pub features: &'static [Feature],
    /// The largest upload each environment may allow, per resource type *(decision)*.
    pub max_file_mb: FileSizes,
}

impl Plan {
    /// The plan's seats for an account: an Enterprise account's own count when the operator
    /// set one, else the plan's.
    pub fn seats_for(&self, enterprise_seats: Option<i64>) -> i64 {
        match (self.tier, enterprise_seats) {
            (Tier::Enterprise, Some(n)) => n,
            _ => i64::from(self.seats),
        }
    }
}

/// A size per resource type, in MB (Upload settings,
/// docs/rules/environments.md#environment-settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSizes {
    pub image: u32,
    pub video: u32,
    pub raw: u32,
}

use Feature::*;

pub const CATALOGUE: &[Plan] = &[
    Plan {
        id: "free",
        name: "Free",
        tier: Tier::Free,
        seats: 3,
        environments: 1,
        features: &[],
        max_file_mb: FileSizes {
            image: 10,
            video: 100,
            raw: 10,
        },
    },
    Plan {
        id: "plus",
        name: "Plus",
        tier: Tier::Paid,
        seats: 10,
        environments: 5,
        features: &[GranularApiKeyPermissions, AdditionalUserSubscriptions],
        max_file_mb: FileSizes {
            image: 20,
            video: 2048,
            raw: 20,
        },
    },
    Plan {
        id: "advanced",
        name: "Advanced",
        tier: Tier::Paid,
        seats: 25,
        environments: 10,
        features: &[GranularApiKeyPermissions, AdditionalUserSubscriptions],
        max_file_mb: FileSizes {
            image: 40,
            video: 4096,
            raw: 40,
        },
    },
    Plan {
        id: "enterprise",
        name: "Enterprise",
        tier: Tier::Enterprise,
        seats: 100,
        environments: 50,
        features: &[
            GranularApiKeyPermissions,
            ProvisioningApi,
            SamlSso,
            SamlProvisioning,
        ],
        max_file_mb: FileSizes {
            image: 100,
            video: 40960,
            raw: 100,
        },
    },
];

/// A self-hosted install has every feature: bootstrap's default plan.
pub const DEFAULT_PLAN: &str = "enterprise";

impl Plan {
    pub fn find(id: &str) -> Option<&'static Plan> {
        CATALOGUE.iter().find(|p| p.id == id)
    }

    pub fn has(&self, feature: Feature) -> bool {
        self.features.contains(&feature)
    }

    /// The first plan of the catalogue with `feature`, for "Available on <plan>".
    pub fn first_with(feature: Feature) -> Option<&'static Plan> {
        CATALOGUE.iter().find(|p| p.has(feature))
    }

    /// The error text for an unknown plan id, listing the valid ones.
    pub fn unknown(id: &str) -> String {
        let ids: Vec<_> = CATALOGUE.iter().map(|p| p.id).collect();
        format!("Unknown plan \"{id}\"; choose one of {}", ids.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_matches_the_spec() {
        let free = Plan::find("free").unwrap();
        assert_eq!(
            (free.seats, free.environments, free.features.len()),
            (3, 1, 0)
        );
        let ent = Plan::find(DEFAULT_PLAN).unwrap();
        assert!(ent.has(Feature::ProvisioningApi) && ent.has(Feature::SamlSso));
        assert!(!ent.has(Feature::AdditionalUserSubscriptions));
        assert!(Plan::find("plus")
            .unwrap()
            .has(Feature::AdditionalUserSubscriptions));
        assert!(Plan::find("gold").is_none());
        assert!(Plan::unknown("gold").contains("free, plus, advanced, enterprise"));
    }
}
