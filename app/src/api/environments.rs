//! Product environments, the active-environment switcher, API keys and re-authentication.

use super::ConsoleError;
use crate::domain::{ApiKeySummary, EnvironmentSummary, KeySecret};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{set_cookie, signed_in, OrApi};
#[cfg(feature = "ssr")]
use super::users::ticked;

/// The environments the user reaches and the session's active one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environments {
    pub environments: Vec<EnvironmentSummary>,
    pub active: Option<EnvironmentSummary>,
}

#[server(prefix = "/api", endpoint = "environments")]
pub async fn list_environments() -> Result<Environments, ConsoleError> {
    let (req, p) = signed_in().await?;
    let environments = req
        .service
        .environments(&p, &req.meta)
        .await
        .or_api(&req.meta)?;
    let active = req
        .service
        .active_environment(&p, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(Environments {
        environments,
        active,
    })
}

#[server(prefix = "/api", endpoint = "create_environment")]
pub async fn create_environment(
    #[server(default)] name: String,
    #[server(default)] cloud_name: String,
    #[server(default)] description: String,
    #[server(default)] custom_attributes: String,
    #[server(default)] copy_settings_from: String,
) -> Result<EnvironmentSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = crate::service::EnvironmentInput {
        name,
        cloud_name,
        description,
        custom_attributes,
        copy_settings_from,
    };
    req.service
        .create_environment(&p, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "update_environment")]
pub async fn update_environment(
    id: String,
    #[server(default)] name: String,
    #[server(default)] cloud_name: String,
    #[server(default)] description: String,
    #[server(default)] custom_attributes: String,
) -> Result<EnvironmentSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    let input = crate::service::EnvironmentInput {
        name,
        cloud_name,
        description,
        custom_attributes,
        copy_settings_from: String::new(),
    };
    req.service
        .update_environment(&p, &id, &input, &req.meta)
        .await
        .or_api(&req.meta)
}

/// `enabled` is `true` or `false`.
#[server(prefix = "/api", endpoint = "environment_enabled")]
pub async fn set_environment_enabled(
    id: String,
    enabled: String,
) -> Result<EnvironmentSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    let on = match enabled.trim() {
        "true" => true,
        "false" => false,
        other => {
            let mut f = crate::domain::FieldErrors::new();
            f.add(
                "enabled",
                format!("Expected true or false, not \"{other}\""),
            );
            return Err(ConsoleError::Invalid(f));
        }
    };
    req.service
        .set_environment_enabled(&p, &id, on, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "delete_environment")]
pub async fn delete_environment(
    id: String,
    #[server(default)] confirm_cloud_name: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_environment(&p, &id, &confirm_cloud_name, &req.meta)
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "select_environment")]
pub async fn select_environment(id: String) -> Result<EnvironmentSummary, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .select_environment(&p, &id, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Re-authentication: the password again (and a code, for a user with a second factor);
/// the session gets a new cookie.
#[server(prefix = "/api", endpoint = "reauthenticate")]
pub async fn reauthenticate(
    #[server(default)] password: String,
    #[server(default)] code: String,
) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    let token = req
        .service
        .reauthenticate(&p, &password, Some(&code), &req.meta)
        .await
        .or_api(&req.meta)?;
    set_cookie(
        &req.cookies
            .set(&token, req.service.config().session_absolute_secs),
    );
    Ok(())
}

#[server(prefix = "/api", endpoint = "api_keys")]
pub async fn list_api_keys(environment_id: String) -> Result<Vec<ApiKeySummary>, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .api_keys(&p, &environment_id, &req.meta)
        .await
        .or_api(&req.meta)
}

/// `permission_mode`: `full` or `restricted` with `scopes`.
#[server(prefix = "/api", endpoint = "generate_api_key")]
pub async fn generate_api_key(
    environment_id: String,
    #[server(default)] name: String,
    #[server(default)] enabled: Option<String>,
    #[server(default)] permission_mode: String,
    #[server(default)] scopes: Vec<String>,
) -> Result<KeySecret, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .generate_api_key(
            &p,
            &environment_id,
            &name,
            ticked(&enabled),
            &permission_mode,
            &scopes,
            &req.meta,
        )
        .await
        .or_api(&req.meta)
}

#[server(prefix = "/api", endpoint = "reveal_api_secret")]
pub async fn reveal_api_secret(
    environment_id: String,
    api_key: String,
) -> Result<KeySecret, ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .reveal_api_secret(&p, &environment_id, &api_key, &req.meta)
        .await
        .or_api(&req.meta)
}

/// `change`: `rename` (with `name`), `enable`, `disable`, `dedicate_webhooks`, or
/// `permissions` (with `permission_mode` and `scopes`).
#[server(prefix = "/api", endpoint = "change_api_key")]
pub async fn change_api_key(
    environment_id: String,
    api_key: String,
    change: String,
    #[server(default)] name: String,
    #[server(default)] permission_mode: String,
    #[server(default)] scopes: Vec<String>,
) -> Result<ApiKeySummary, ConsoleError> {
    use crate::service::KeyChange;
    let (req, p) = signed_in().await?;
    let change = match change.trim() {
        "rename" => KeyChange::Rename(name),
        "enable" => KeyChange::Enabled(true),
        "disable" => KeyChange::Enabled(false),
        "dedicate_webhooks" => KeyChange::DedicateForWebhooks,
        "permissions" => KeyChange::Permissions {
            mode: permission_mode,
            scopes,
        },
        other => {
            let mut f = crate::domain::FieldErrors::new();
            f.add("change", format!("Unknown change \"{other}\""));
            return Err(ConsoleError::Invalid(f));
        }
    };
    req.service
        .change_api_key(&p, &environment_id, &api_key, &change, &req.meta)
        .await
        .or_api(&req.meta)
}

/// Deletes a key named by its number or its name.
#[server(prefix = "/api", endpoint = "delete_api_key")]
pub async fn delete_api_key(environment_id: String, api_key: String) -> Result<(), ConsoleError> {
    let (req, p) = signed_in().await?;
    req.service
        .delete_api_key(&p, &environment_id, &api_key, &req.meta)
        .await
        .or_api(&req.meta)
}

/// The active environment and its keys, in one call (the API keys page).
#[server(prefix = "/api", endpoint = "active_api_keys")]
pub async fn active_api_keys(
) -> Result<Option<(EnvironmentSummary, Vec<ApiKeySummary>)>, ConsoleError> {
    let (req, p) = signed_in().await?;
    let Some(env) = req
        .service
        .active_environment(&p, &req.meta)
        .await
        .or_api(&req.meta)?
    else {
        return Ok(None);
    };
    let keys = req
        .service
        .api_keys(&p, &env.id, &req.meta)
        .await
        .or_api(&req.meta)?;
    Ok(Some((env, keys)))
}
