//! Product environment settings (docs/rules/environments.md#environment-settings) and the Media
//! Library pages (§10): one document per page, validated here for both the form and the server. A
//! page never saved reads as its defaults; a save replaces the whole page, and on any bad field
//! nothing is saved (a preset or mapping list with one bad row saves nothing).

mod checks;
mod delivery;
mod media_library;
mod upload;
mod webhooks;

pub use delivery::{
    BackupSettings, BackupTarget, DeliveryType, OptimizationSettings, Quality, SecuritySettings,
};
pub use media_library::{
    DamApp, DamAppsSettings, DefaultView, MediaLibraryPreferences, MetadataDisplay, SearchField,
    DAM_APPS,
};
pub use upload::{AutoUploadMapping, PresetSigning, UploadPreset, UploadSettings};
pub use webhooks::{webhook_url, WebhookEvent, WebhookSettings, WebhookUrl};

use super::{FieldErrors, Permission, Plan};
use serde::{Deserialize, Serialize};

/// One settings page of a product environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingsPage {
    Upload,
    Backup,
    Optimization,
    Webhooks,
    Security,
    MediaLibrary,
    DamApps,
}

impl SettingsPage {
    pub const ALL: [SettingsPage; 7] = [
        SettingsPage::Upload,
        SettingsPage::Backup,
        SettingsPage::Optimization,
        SettingsPage::Webhooks,
        SettingsPage::Security,
        SettingsPage::MediaLibrary,
        SettingsPage::DamApps,
    ];

    /// The stored id and URL segment (`/settings/webhooks`).
    pub const fn id(self) -> &'static str {
        match self {
            SettingsPage::Upload => "upload",
            SettingsPage::Backup => "backup",
            SettingsPage::Optimization => "optimization",
            SettingsPage::Webhooks => "webhooks",
            SettingsPage::Security => "security",
            SettingsPage::MediaLibrary => "media_library",
            SettingsPage::DamApps => "dam_apps",
        }
    }

    pub fn from_id(id: &str) -> Option<SettingsPage> {
        Self::ALL.into_iter().find(|p| p.id() == id)
    }

    pub const fn title(self) -> &'static str {
        match self {
            SettingsPage::Upload => "Upload",
            SettingsPage::Backup => "Backup",
            SettingsPage::Optimization => "Optimization",
            SettingsPage::Webhooks => "Webhook notifications",
            SettingsPage::Security => "Security",
            SettingsPage::MediaLibrary => "Media Library preferences",
            SettingsPage::DamApps => "DAM apps",
        }
    }

    pub fn path(self) -> String {
        format!("/settings/{}", self.id().replace('_', "-"))
    }

    /// Reading the page.
    pub const fn view_permission(self) -> Permission {
        match self {
            SettingsPage::MediaLibrary => Permission::MediaLibraryPreferences,
            SettingsPage::DamApps => Permission::DamAppsManage,
            _ => Permission::EnvSettingsView,
        }
    }

    /// Saving it.
    pub const fn manage_permission(self) -> Permission {
        match self {
            SettingsPage::MediaLibrary => Permission::MediaLibraryPreferences,
            SettingsPage::DamApps => Permission::DamAppsManage,
            _ => Permission::EnvSettingsManage,
        }
    }
}

/// What validation needs to know besides the page itself.
#[derive(Debug, Clone, Copy)]
pub struct SettingsContext {
    pub plan: &'static Plan,
    /// The operator allows `http` webhook URLs (off: `https` only).
    pub webhook_allow_http: bool,
}

/// One page's document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "page", content = "value", rename_all = "snake_case")]
pub enum Settings {
    Upload(UploadSettings),
    Backup(BackupSettings),
    Optimization(OptimizationSettings),
    Webhooks(WebhookSettings),
    Security(SecuritySettings),
    MediaLibrary(MediaLibraryPreferences),
    DamApps(DamAppsSettings),
}

impl Settings {
    pub fn page(&self) -> SettingsPage {
        match self {
            Settings::Upload(_) => SettingsPage::Upload,
            Settings::Backup(_) => SettingsPage::Backup,
            Settings::Optimization(_) => SettingsPage::Optimization,
            Settings::Webhooks(_) => SettingsPage::Webhooks,
            Settings::Security(_) => SettingsPage::Security,
            Settings::MediaLibrary(_) => SettingsPage::MediaLibrary,
            Settings::DamApps(_) => SettingsPage::DamApps,
        }
    }

    /// A page's values before anyone saved it.
    pub fn defaults(page: SettingsPage, plan: &Plan) -> Settings {
        match page {
            SettingsPage::Upload => Settings::Upload(UploadSettings::defaults(plan)),
            SettingsPage::Backup => Settings::Backup(BackupSettings::default()),
            SettingsPage::Optimization => Settings::Optimization(OptimizationSettings::default()),
            SettingsPage::Webhooks => Settings::Webhooks(WebhookSettings::default()),
            SettingsPage::Security => Settings::Security(SecuritySettings::default()),
            SettingsPage::MediaLibrary => {
                Settings::MediaLibrary(MediaLibraryPreferences::default())
            }
            SettingsPage::DamApps => Settings::DamApps(DamAppsSettings::default()),
        }
    }

    /// The normalized page (trimmed, lowercased where the rule says so), or every bad field.
    pub fn validate(self, ctx: &SettingsContext) -> Result<Settings, FieldErrors> {
        let mut e = FieldErrors::new();
        let out = match self {
            Settings::Upload(s) => Settings::Upload(s.validate(ctx.plan, &mut e)),
            Settings::Backup(s) => Settings::Backup(s.validate(&mut e)),
            Settings::Optimization(s) => Settings::Optimization(s.validate(&mut e)),
            Settings::Webhooks(s) => Settings::Webhooks(s.validate(ctx.webhook_allow_http, &mut e)),
            Settings::Security(s) => Settings::Security(s.validate(&mut e)),
            Settings::MediaLibrary(s) => Settings::MediaLibrary(s.validate(&mut e)),
            Settings::DamApps(s) => Settings::DamApps(s.validate(&mut e)),
        };
        e.into_result().map(|()| out)
    }

    /// What the media platform should apply: values above the plan's limits (after a plan
    /// change) are read as the limit.
    pub fn effective(self, plan: &Plan) -> Settings {
        match self {
            Settings::Upload(s) => Settings::Upload(s.capped(plan)),
            other => other,
        }
    }
}

/// A page as a form loads it: the values and the revision to save against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsDocument {
    pub environment_id: String,
    pub settings: Settings,
    /// 0 until the first save; a save must name the revision it edited.
    pub revision: i64,
    pub updated_at: Option<i64>,
    /// Who saved last (email), if anyone.
    pub updated_by: Option<String>,
    /// The page's extras: for Webhook notifications, the signing key.
    pub signing_key: Option<String>,
}
