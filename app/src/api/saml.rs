//! SAML single sign-on settings on Account security (docs/rules/saml.md#settings). The
//! sign-in itself is plain HTTP (`server/src/saml.rs`): the identity provider posts to it.

use super::ConsoleError;
use crate::domain::saml::SamlSettings;
#[cfg(feature = "ssr")]
use crate::domain::saml::SamlSettingsInput;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "saml_settings")]
pub async fn get_saml_settings() -> Result<SamlSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .saml_settings(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The settings as typed: ticked checkboxes are sent, unticked ones aren't.
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)]
fn input(
    enabled: Option<String>,
    metadata_url: String,
    metadata_xml: String,
    domains: String,
    enforce: Option<String>,
    jit: Option<String>,
    jit_default_role: String,
) -> SamlSettingsInput {
    let ticked = super::users::ticked;
    SamlSettingsInput {
        enabled: ticked(&enabled),
        metadata_url,
        metadata_xml,
        domains,
        enforce: ticked(&enforce),
        jit: ticked(&jit),
        jit_default_role,
    }
}

/// Saves the settings (re-authenticated).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "saml_settings_save")]
pub async fn save_saml_settings(
    #[server(default)] enabled: Option<String>,
    #[server(default)] metadata_url: String,
    #[server(default)] metadata_xml: String,
    #[server(default)] domains: String,
    #[server(default)] enforce: Option<String>,
    #[server(default)] jit: Option<String>,
    #[server(default)] jit_default_role: String,
) -> Result<SamlSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = input(
        enabled,
        metadata_url,
        metadata_xml,
        domains,
        enforce,
        jit,
        jit_default_role,
    );
    req.service
        .set_saml_settings(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

/// *Test SSO*: the identity provider's sign-in address for the settings as typed (the page
/// opens it in a new tab); nothing is saved.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "saml_test")]
pub async fn test_saml(
    #[server(default)] enabled: Option<String>,
    #[server(default)] metadata_url: String,
    #[server(default)] metadata_xml: String,
    #[server(default)] domains: String,
    #[server(default)] enforce: Option<String>,
    #[server(default)] jit: Option<String>,
    #[server(default)] jit_default_role: String,
) -> Result<String, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = input(
        enabled,
        metadata_url,
        metadata_xml,
        domains,
        enforce,
        jit,
        jit_default_role,
    );
    req.service
        .saml_test_start(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}
