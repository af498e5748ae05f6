//! The SCIM page's server functions (docs/rules/scim.md#defaults): tokens, defaults, group roles.

use super::ConsoleError;
use crate::domain::scim_settings::{ScimSettings, ScimTokenSecret};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context::{signed_in, OrApi};

#[server(prefix = "/api", endpoint = "scim_settings")]
pub async fn get_scim_settings() -> Result<ScimSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .scim_settings(&p, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Needs a re-authentication within 10 minutes; the token is in the answer, once.
#[server(prefix = "/api", endpoint = "create_scim_token")]
pub async fn create_scim_token(
    #[server(default)] name: String,
) -> Result<ScimTokenSecret, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .create_scim_token(&p, &name, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_scim_token")]
pub async fn delete_scim_token(id: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_scim_token(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The defaults' form: `all_environments=on` when ticked, else the ticked `environment_ids`.
#[server(prefix = "/api", endpoint = "scim_defaults")]
pub async fn save_scim_defaults(
    #[server(default)] role: String,
    #[server(default)] all_environments: Option<String>,
    #[server(default)] environment_ids: Vec<String>,
) -> Result<ScimSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    let access = (super::ticked(&all_environments), environment_ids);
    req.service
        .set_scim_defaults(&p, &role, &access, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "scim_group_role")]
pub async fn save_scim_group_role(
    #[server(default)] group_id: String,
    #[server(default)] role: String,
    #[server(default)] all_environments: Option<String>,
    #[server(default)] environment_ids: Vec<String>,
) -> Result<ScimSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    let access = (super::ticked(&all_environments), environment_ids);
    req.service
        .set_scim_group_role(&p, &group_id, &role, &access, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "remove_scim_group_role")]
pub async fn remove_scim_group_role(group_id: String) -> Result<ScimSettings, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .remove_scim_group_role(&p, &group_id, &req.meta)
        .await
        .or_api(&req.meta)
}
