//! Media Library preferences and DAM apps (docs/rules/environments.md#environment-settings).

use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetadataDisplay {
    #[default]
    ShowAll,
    HideEmpty,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchField {
    Tags,
    Metadata,
    Context,
    Filename,
    Folder,
}

impl SearchField {
    pub const ALL: [SearchField; 5] = [
        SearchField::Tags,
        SearchField::Metadata,
        SearchField::Context,
        SearchField::Filename,
        SearchField::Folder,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            SearchField::Tags => "tags",
            SearchField::Metadata => "metadata",
            SearchField::Context => "context",
            SearchField::Filename => "filename",
            SearchField::Folder => "folder",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultView {
    #[default]
    Grid,
    List,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLibraryPreferences {
    pub metadata_display: MetadataDisplay,
    /// Keep an asset's metadata when a new version is uploaded (API uploads too).
    pub keep_metadata_on_new_version: bool,
    pub advanced_search_fields: Vec<SearchField>,
    pub default_view: DefaultView,
}

impl Default for MediaLibraryPreferences {
    fn default() -> Self {
        MediaLibraryPreferences {
            metadata_display: MetadataDisplay::ShowAll,
            keep_metadata_on_new_version: true,
            advanced_search_fields: SearchField::ALL.to_vec(),
            default_view: DefaultView::Grid,
        }
    }
}

impl MediaLibraryPreferences {
    pub(super) fn validate(self, e: &mut FieldErrors) -> MediaLibraryPreferences {
        let fields: Vec<SearchField> = SearchField::ALL
            .into_iter()
            .filter(|f| self.advanced_search_fields.contains(f))
            .collect();
        if fields.is_empty() {
            e.add(
                "advanced_search_fields",
                "Choose at least one advanced search field",
            );
        }
        MediaLibraryPreferences {
            advanced_search_fields: fields,
            ..self
        }
    }
}

/// An app of the operator's catalogue (no cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DamApp {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// The default DAM app catalogue *(decision)*.
pub const DAM_APPS: &[DamApp] = &[
    DamApp {
        id: "adobe_creative_cloud",
        name: "Adobe Creative Cloud",
        description: "Place and upload assets from Photoshop, Illustrator and InDesign",
    },
    DamApp {
        id: "google_drive",
        name: "Google Drive",
        description: "Import files from Google Drive into the Media Library",
    },
    DamApp {
        id: "dropbox",
        name: "Dropbox",
        description: "Import files from Dropbox into the Media Library",
    },
    DamApp {
        id: "slack",
        name: "Slack",
        description: "Share assets to Slack channels",
    },
    DamApp {
        id: "figma",
        name: "Figma",
        description: "Use Media Library assets in Figma designs",
    },
    DamApp {
        id: "wordpress",
        name: "WordPress",
        description: "Insert Media Library assets in WordPress posts",
    },
];

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DamAppsSettings {
    /// Ids of enabled apps, in catalogue order.
    pub enabled: Vec<String>,
}

impl DamAppsSettings {
    pub(super) fn validate(self, e: &mut FieldErrors) -> DamAppsSettings {
        if let Some(unknown) = self
            .enabled
            .iter()
            .find(|id| !DAM_APPS.iter().any(|a| a.id == id.as_str()))
        {
            e.add(
                "enabled",
                format!("\"{unknown}\" is not an app of the catalogue"),
            );
        }
        DamAppsSettings {
            enabled: DAM_APPS
                .iter()
                .filter(|a| self.enabled.iter().any(|id| id == a.id))
                .map(|a| a.id.to_string())
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_and_apps() {
        let mut e = FieldErrors::new();
        MediaLibraryPreferences {
            advanced_search_fields: vec![],
            ..Default::default()
        }
        .validate(&mut e);
        assert!(e.get("advanced_search_fields").is_some());
        let mut e = FieldErrors::new();
        let s = DamAppsSettings {
            enabled: vec!["slack".into(), "google_drive".into(), "slack".into()],
        }
        .validate(&mut e);
        assert!(e.is_empty());
        assert_eq!(s.enabled, ["google_drive", "slack"]);
        DamAppsSettings {
            enabled: vec!["myspace".into()],
        }
        .validate(&mut e);
        assert!(e.get("enabled").unwrap().contains("myspace"));
    }
}
