//! Product environment settings pages, over the active environment.

use super::ConsoleError;
use crate::domain::settings::SettingsDocument;
use crate::domain::EnvironmentSummary;
#[cfg(feature = "ssr")]
use crate::domain::Refusal;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

/// A settings page as its form loads: the environment it belongs to and the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsView {
    pub environment: EnvironmentSummary,
    pub document: SettingsDocument,
}

/// Every saved value of a page arrives as one JSON document (`settings`), so a list with
/// one bad row is refused whole. Decoding errors name the field `settings`.
#[cfg(feature = "ssr")]
fn decode_settings(json: &str) -> Result<crate::domain::settings::Settings, ConsoleError> {
    serde_json::from_str(json).map_err(|e| {
        let mut f = crate::domain::FieldErrors::new();
        f.add("settings", format!("The settings couldn't be read: {e}"));
        ConsoleError::Invalid(f)
    })
}

/// One page (`upload`, `backup`, …) of the active product environment; `None` when the
/// user reaches none.
#[server(prefix = "/api", endpoint = "environment_settings")]
pub async fn environment_settings(page: String) -> Result<Option<SettingsView>, ConsoleError> {
    let (req, p) = signed_in().await?;
    let Some(page) = crate::domain::settings::SettingsPage::from_id(&page) else {
        return Err(Refusal::SettingsPageNotFound { page }.into());
    };
    let Some(environment) = req
        .service
        .active_environment(&p, &req.meta)
        .await
        .or_api(&req.meta)?
    else {
        return Ok(None);
    };
    let document = req
        .service
        .environment_settings(&p, &environment.id, page, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(Some(SettingsView {
        environment,
        document,
    }))
}

/// Saves a whole page of `environment_id` against the revision the form loaded.
#[server(prefix = "/api", endpoint = "save_environment_settings")]
pub async fn save_environment_settings(
    environment_id: String,
    revision: i64,
    settings: String,
) -> Result<SettingsDocument, ConsoleError> {
    let (req, p) = signed_in().await?;
    let settings = decode_settings(&settings)?;
    req.service
        .save_environment_settings(&p, &environment_id, settings, revision, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Send test*: posts a signed test notification to `url` and reports the status.
#[server(prefix = "/api", endpoint = "send_test_notification")]
pub async fn send_test_notification(
    environment_id: String,
    url: String,
) -> Result<WebhookTest, ConsoleError> {
    let (req, p) = signed_in().await?;
    let r = req
        .service
        .send_test_notification(&p, &environment_id, &url, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(WebhookTest {
        url: r.url,
        status: r.status,
        error: r.error,
        signed_with: r.signed_with,
    })
}

/// What *Send test* reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTest {
    pub url: String,
    pub status: Option<u16>,
    pub error: Option<String>,
    pub signed_with: String,
}
