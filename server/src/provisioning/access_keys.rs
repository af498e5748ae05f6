//! Access keys of a product environment (docs/rules/provisioning-api.md#access-keys).

use super::doc::*;
use super::request::{path_id, Caller, Ids};
use super::{ok, ApiResult, Params, ProvisioningError, Shared};
use app::domain::provisioning::AccessKey;
use app::service::{KeyPatch, KeyRef, ServiceError};
use axum::extract::{Path, State};

const NAMES: &[(&str, &str)] = &[];

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
    let key = api
        .service
        .api_generate_key(&c.principal, env, &name, enabled, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&key)
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
    let patch = KeyPatch {
        name,
        enabled,
        dedicated_for_webhooks: dedicate,
    };
    let key = api
        .service
        .api_patch_key(&c.principal, env, key, &patch, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&key)
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
    let key = KeyRef::Number(path_id(&ids, "key"));
    api.service
        .api_delete_key(&c.principal, env, key, &c.meta)
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
    api.service
        .api_delete_key(&c.principal, env, KeyRef::Name(&name), &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&MessageOk::ok())
}
