//! Access keys of a product environment (provisioning-api.md §4).

use super::doc::*;
use super::request::{path_id, Caller, Ids};
use super::{ok, ApiResult, Params, ProvisioningError, Shared};
use app::domain::provisioning::AccessKey;
use app::domain::Refusal;
use app::service::{KeyChange, ServiceError};
use axum::extract::{Path, State};

const NAMES: &[(&str, &str)] = &[];

fn key_not_found(key: &str) -> ProvisioningError {
    ProvisioningError::from_refusal(&Refusal::KeyNotFound {
        key: key.to_string(),
    })
}

fn refusal(e: ServiceError, params: &Params) -> ProvisioningError {
    ProvisioningError::from_service(e, params, NAMES)
}

async fn keys(
    api: &Shared,
    c: &Caller,
    environment_id: &str,
) -> Result<Vec<AccessKey>, ProvisioningError> {
    api.service
        .api_access_keys(&c.principal, environment_id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))
}

/// The key whose `api_key` is `key` (the service also finds keys by name; the path
/// names them by number only).
async fn key_of(
    api: &Shared,
    c: &Caller,
    environment_id: &str,
    key: &str,
) -> Result<AccessKey, ProvisioningError> {
    keys(api, c, environment_id)
        .await?
        .into_iter()
        .find(|k| k.api_key == key)
        .ok_or_else(|| key_not_found(key))
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys",
    tag = "access keys",
    summary = "List access keys",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment"), AccessKeyQuery),
    responses(
        (status = 200, description = "The keys and their total", body = AccessKeyList),
        ApiErrors,
    )
)]
pub async fn list(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let env = path_id(&ids, "sub_account_id");
    let page_size = params.int("page_size", 1, 100)?;
    let page = params.int("page", 1, 100)?.unwrap_or(1);
    let sort_by = params
        .string("sort_by")?
        .unwrap_or_else(|| "created_at".into());
    let descending = match params.string("sort_order")?.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => return Err(ProvisioningError::invalid_value(other, "sort_order")),
    };
    let mut all = keys(&api, &c, env).await?;
    let total = all.len();
    match sort_by.as_str() {
        "api_key" => all.sort_by(|a, b| a.api_key.cmp(&b.api_key)),
        // Oldest first (the Root key first among keys of one second).
        "created_at" => {}
        "name" => all.sort_by(|a, b| a.name.cmp(&b.name)),
        "enabled" => all.sort_by_key(|k| k.enabled),
        other => return Err(ProvisioningError::invalid_value(other, "sort_by")),
    }
    if descending {
        all.reverse();
    }
    let shown: Vec<AccessKey> = match page_size {
        Some(size) => all
            .into_iter()
            .skip(((page - 1) * size) as usize)
            .take(size as usize)
            .collect(),
        None => all,
    };
    ok(&AccessKeyList {
        access_keys: shown,
        total: total as i64,
    })
}

#[utoipa::path(
    post,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys",
    tag = "access keys",
    summary = "Generate an access key",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment")),
    request_body = AccessKeyCreate,
    responses(
        (status = 200, description = "The new key", body = AccessKey),
        ApiErrors,
    )
)]
pub async fn create(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let env = path_id(&ids, "sub_account_id");
    let name = params.string("name")?.unwrap_or_default();
    if name.chars().count() > 64 {
        return Err(ProvisioningError::invalid_value(&name, "name"));
    }
    let enabled = params.bool("enabled")?.unwrap_or(true);
    let made = api
        .service
        .generate_api_key(&c.principal, env, &name, enabled, "full", &[], &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&key_of(&api, &c, env, &made.key.api_key).await?)
}

/// `dedicated_for`: `webhooks` or `["webhooks"]` dedicates; `""` or `[]` clears.
fn dedication(params: &Params) -> Result<Option<bool>, ProvisioningError> {
    let Some(values) = params.list("dedicated_for")? else {
        return Ok(None);
    };
    match values.as_slice() {
        [] => Ok(Some(false)),
        [one] if one == "webhooks" => Ok(Some(true)),
        _ => Err(ProvisioningError::invalid_value(
            &params.shown("dedicated_for").unwrap_or_default(),
            "dedicated_for",
        )),
    }
}

#[utoipa::path(
    put,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{key}",
    tag = "access keys",
    summary = "Rename, enable/disable, dedicate for webhooks",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment"), ("key" = String, Path, description = "The api_key")),
    request_body = AccessKeyUpdate,
    responses(
        (status = 200, description = "The updated key", body = AccessKey),
        ApiErrors,
    )
)]
pub async fn update(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let env = path_id(&ids, "sub_account_id");
    let key = path_id(&ids, "key");
    let name = params.string("name")?;
    if name.as_ref().is_some_and(|n| n.chars().count() > 64) {
        return Err(ProvisioningError::invalid_value(
            &name.unwrap_or_default(),
            "name",
        ));
    }
    let enabled = params.bool("enabled")?;
    // An empty string clears the dedication: read it before "empty means not given".
    let dedicate = match params.shown("dedicated_for").as_deref() {
        Some("") | Some("[]") => Some(false),
        _ => dedication(&params)?,
    };
    let current = key_of(&api, &c, env, key).await?;
    // Enable before dedicating, clear a dedication before disabling.
    let mut changes = Vec::new();
    if let Some(n) = name.filter(|n| Some(n) != current.name.as_ref()) {
        changes.push(KeyChange::Rename(n));
    }
    if enabled == Some(true) && !current.enabled {
        changes.push(KeyChange::Enabled(true));
    }
    let dedicated = !current.dedicated_for.is_empty();
    match dedicate {
        Some(true) if !dedicated => changes.push(KeyChange::DedicateForWebhooks),
        Some(false) if dedicated => changes.push(KeyChange::ClearDedication),
        _ => {}
    }
    if enabled == Some(false) && current.enabled {
        changes.push(KeyChange::Enabled(false));
    }
    for change in &changes {
        api.service
            .change_api_key(&c.principal, env, key, change, &c.meta)
            .await
            .map_err(|e| refusal(e, &params))?;
    }
    ok(&key_of(&api, &c, env, key).await?)
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys/{key}",
    tag = "access keys",
    summary = "Delete an access key",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment"), ("key" = String, Path, description = "The api_key")),
    responses(
        (status = 200, description = "Deleted", body = MessageOk),
        ApiErrors,
    )
)]
pub async fn delete(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let env = path_id(&ids, "sub_account_id");
    let key = path_id(&ids, "key");
    key_of(&api, &c, env, key).await?;
    api.service
        .delete_api_key(&c.principal, env, key, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&MessageOk::ok())
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}/access_keys",
    tag = "access keys",
    summary = "Delete an access key by name",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment"), NameQuery),
    request_body = AccessKeyName,
    responses(
        (status = 200, description = "Deleted", body = MessageOk),
        ApiErrors,
    )
)]
pub async fn delete_by_name(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let env = path_id(&ids, "sub_account_id");
    let name = params.required("name")?;
    let key = keys(&api, &c, env)
        .await?
        .into_iter()
        .find(|k| {
            k.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name.trim()))
        })
        .ok_or_else(|| {
            ProvisioningError::new(
                http::StatusCode::NOT_FOUND,
                format!("Cannot find access key with name {name}"),
            )
        })?;
    api.service
        .delete_api_key(&c.principal, env, &key.api_key, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&MessageOk::ok())
}
