//! Product environments (`sub_accounts`, docs/rules/provisioning-api.md#product-environments).

use super::doc::*;
use super::request::{path_id, Caller, Ids};
use super::{ok, ApiResult, Params, ProvisioningError, Shared};
use app::domain::provisioning::{EnvironmentFilter, ProductEnvironment};
use app::service::{EnvironmentInput, EnvironmentPatch, ServiceError};
use axum::extract::{Path, State};

/// The service's field names on environments, as the API's parameters.
const FIELDS: &[(&str, &str)] = &[("copy_settings_from", "base_sub_account_id")];

fn refusal(e: ServiceError, params: &Params) -> ProvisioningError {
    ProvisioningError::from_service(e, params, FIELDS)
}

fn attributes(params: &Params) -> Result<Option<String>, ProvisioningError> {
    Ok(params
        .object("custom_attributes")?
        .map(|m| serde_json::Value::Object(m).to_string()))
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts",
    tag = "product environments",
    summary = "List product environments, oldest first",
    params(("account_id" = String, Path, description = "The account"), EnvironmentQuery),
    responses(
        (status = 200, description = "The environments", body = EnvironmentList),
        ApiErrors,
    )
)]
pub async fn list(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let filter = EnvironmentFilter {
        enabled: params.bool("enabled")?,
        ids: params.list("ids")?.unwrap_or_default(),
        cloud_names: params.list("cloud_names")?.unwrap_or_default(),
        prefix: params.string("prefix")?,
    };
    let list = api
        .service
        .api_environments(&c.principal, &filter, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&EnvironmentList { sub_accounts: list })
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}",
    tag = "product environments",
    summary = "Get a product environment",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment")),
    responses(
        (status = 200, description = "The environment", body = ProductEnvironment),
        ApiErrors,
    )
)]
pub async fn get(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let id = path_id(&ids, "sub_account_id");
    let env = api
        .service
        .api_environment(&c.principal, id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&env)
}

#[utoipa::path(
    post,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts",
    tag = "product environments",
    summary = "Create a product environment (born with one enabled key)",
    params(("account_id" = String, Path, description = "The account")),
    request_body = EnvironmentCreate,
    responses(
        (status = 200, description = "The new environment", body = ProductEnvironment),
        ApiErrors,
    )
)]
pub async fn create(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let input = EnvironmentInput {
        name: params.required("name")?,
        cloud_name: params.string("cloud_name")?.unwrap_or_default(),
        description: params.string("description")?.unwrap_or_default(),
        custom_attributes: attributes(&params)?.unwrap_or_default(),
        copy_settings_from: params.string("base_sub_account_id")?.unwrap_or_default(),
    };
    let enabled = params.bool("enabled")?.unwrap_or(true);
    let env = api
        .service
        .api_create_environment(&c.principal, &input, enabled, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&env)
}

#[utoipa::path(
    put,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}",
    tag = "product environments",
    summary = "Update a product environment",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment")),
    request_body = EnvironmentUpdate,
    responses(
        (status = 200, description = "The updated environment", body = ProductEnvironment),
        ApiErrors,
    )
)]
pub async fn update(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let patch = EnvironmentPatch {
        name: params.string("name")?,
        cloud_name: params.string("cloud_name")?,
        description: params.string("description")?,
        custom_attributes: attributes(&params)?,
        enabled: params.bool("enabled")?,
    };
    let env = api
        .service
        .api_patch_environment(
            &c.principal,
            path_id(&ids, "sub_account_id"),
            &patch,
            &c.meta,
        )
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&env)
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/sub_accounts/{sub_account_id}",
    tag = "product environments",
    summary = "Delete a product environment",
    params(("account_id" = String, Path, description = "The account"), ("sub_account_id" = String, Path, description = "The product environment")),
    responses(
        (status = 200, description = "Deleted", body = MessageOk),
        ApiErrors,
    )
)]
pub async fn delete(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    api.service
        .api_delete_environment(&c.principal, path_id(&ids, "sub_account_id"), &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&MessageOk::ok())
}
