//! The add-on catalogue (docs/rules/account.md#billing-usage-and-add-ons) *(decision: the default
//! operator catalogue)*: three categories; each add-on has tiers, the free one first. Registering
//! picks a tier; cancelling returns to none; paid tiers need a paid plan.

use super::refusal::Refusal;
use super::{Plan, Tier};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddonCategory {
    TransformationCustomization,
    OptimizationDelivery,
    AssetManagementAnalysis,
}

impl AddonCategory {
    pub const ALL: [AddonCategory; 3] = [
        AddonCategory::TransformationCustomization,
        AddonCategory::OptimizationDelivery,
        AddonCategory::AssetManagementAnalysis,
    ];

    pub const fn title(self) -> &'static str {
        match self {
            AddonCategory::TransformationCustomization => "Transformation & customization",
            AddonCategory::OptimizationDelivery => "Optimization & delivery",
            AddonCategory::AssetManagementAnalysis => "Asset management & analysis",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AddonTier {
    pub id: &'static str,
    pub name: &'static str,
    /// Units a month (images, minutes, …) included.
    pub monthly_units: u32,
    pub paid: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Addon {
    pub id: &'static str,
    pub name: &'static str,
    pub category: AddonCategory,
    pub unit: &'static str,
    pub tiers: &'static [AddonTier],
}

const STANDARD_TIERS: &[AddonTier] = &[
    AddonTier {
        id: "free",
        name: "Free",
        monthly_units: 50,
        paid: false,
    },
    AddonTier {
        id: "basic",
        name: "Basic",
        monthly_units: 1_000,
        paid: true,
    },
    AddonTier {
        id: "pro",
        name: "Pro",
        monthly_units: 10_000,
        paid: true,
    },
];

use AddonCategory::*;

pub const ADDONS: &[Addon] = &[
    Addon {
        id: "background_removal",
        name: "AI Background Removal",
        category: TransformationCustomization,
        unit: "images",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "document_conversion",
        name: "Document Conversion",
        category: TransformationCustomization,
        unit: "documents",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "website_screenshots",
        name: "Website Screenshots",
        category: TransformationCustomization,
        unit: "screenshots",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "image_optimizer",
        name: "Image Optimizer",
        category: OptimizationDelivery,
        unit: "images",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "image_enhancement",
        name: "Automatic Image Enhancement",
        category: OptimizationDelivery,
        unit: "images",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "auto_tagging",
        name: "AI Auto Tagging",
        category: AssetManagementAnalysis,
        unit: "images",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "video_transcription",
        name: "Video Transcription",
        category: AssetManagementAnalysis,
        unit: "minutes",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "moderation",
        name: "AI Moderation",
        category: AssetManagementAnalysis,
        unit: "images",
        tiers: STANDARD_TIERS,
    },
    Addon {
        id: "malware_detection",
        name: "Malware Detection",
        category: AssetManagementAnalysis,
        unit: "files",
        tiers: STANDARD_TIERS,
    },
];

impl Addon {
    pub fn find(id: &str) -> Option<&'static Addon> {
        ADDONS.iter().find(|a| a.id == id)
    }

    pub fn tier(&self, id: &str) -> Option<&'static AddonTier> {
        self.tiers.iter().find(|t| t.id == id)
    }
}

/// Why registering `tier` of `addon` is refused on `plan`, if it is.
pub fn register_refusal(plan: &Plan, addon: &Addon, tier: &AddonTier) -> Option<Refusal> {
    (tier.paid && plan.tier == Tier::Free).then(|| Refusal::AddonNeedsPaidPlan {
        addon: addon.name.to_string(),
        tier: tier.name.to_string(),
    })
}

/// An add-on as the page shows it: the catalogue entry and the registered tier, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonRegistration {
    pub addon_id: String,
    pub tier: String,
    pub registered_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_and_refusal() {
        let mut ids = std::collections::HashSet::new();
        assert!(ADDONS.iter().all(|a| ids.insert(a.id)));
        for c in AddonCategory::ALL {
            assert!(ADDONS.iter().any(|a| a.category == c), "{c:?}");
        }
        let a = Addon::find("auto_tagging").unwrap();
        let free = Plan::find("free").unwrap();
        assert!(register_refusal(free, a, a.tier("basic").unwrap())
            .unwrap()
            .to_string()
            .contains("paid plan"));
        assert!(register_refusal(free, a, a.tier("free").unwrap()).is_none());
        assert!(register_refusal(Plan::find("plus").unwrap(), a, a.tier("pro").unwrap()).is_none());
    }
}
