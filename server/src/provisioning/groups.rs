//! User groups and their members (docs/rules/provisioning-api.md#user-groups).

use super::doc::*;
use super::request::{path_id, Caller, Ids};
use super::{ok, ApiResult, Params, ProvisioningError, Shared};
use app::domain::group::GroupMember;
use app::domain::provisioning::{Member, UserGroup};
use app::service::{GroupLookup, ServiceError};
use axum::extract::{Path, State};

fn refusal(e: ServiceError, params: &Params) -> ProvisioningError {
    ProvisioningError::from_service(e, params, &[])
}

fn as_members(list: Vec<GroupMember>) -> Vec<Member> {
    list.into_iter()
        .map(|m| Member {
            id: m.id,
            name: m.name,
            email: m.email,
        })
        .collect()
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups",
    tag = "user groups",
    summary = "List user groups",
    params(("account_id" = String, Path, description = "The account"), ExtendedQuery),
    responses(
        (status = 200, description = "The groups", body = UserGroupList),
        ApiErrors,
    )
)]
pub async fn list(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let extended = params.bool("extended_details")?.unwrap_or(false);
    let groups = api
        .service
        .api_groups(&c.principal, extended, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&UserGroupList {
        user_groups: groups,
    })
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}",
    tag = "user groups",
    summary = "Get a user group",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group"), ExtendedQuery),
    responses(
        (status = 200, description = "The group", body = UserGroup),
        ApiErrors,
    )
)]
pub async fn get(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let id = path_id(&ids, "group_id");
    let extended = params.bool("extended_details")?.unwrap_or(false);
    let found = api
        .service
        .api_group_lookup(&c.principal, id, extended, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    match found {
        GroupLookup::Group(g) => ok(&g),
        GroupLookup::GroupsOfUser(groups) => ok(&GroupsOfUser { groups }),
    }
}

#[utoipa::path(
    post,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups",
    tag = "user groups",
    summary = "Create a user group",
    params(("account_id" = String, Path, description = "The account")),
    request_body = UserGroupBody,
    responses(
        (status = 200, description = "The new group", body = UserGroup),
        ApiErrors,
    )
)]
pub async fn create(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let name = params.required("name")?;
    let extended = params.bool("extended_details")?.unwrap_or(false);
    let group = api
        .service
        .api_create_group(&c.principal, &name, extended, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&group)
}

#[utoipa::path(
    put,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}",
    tag = "user groups",
    summary = "Rename a user group",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group")),
    request_body = UserGroupBody,
    responses(
        (status = 200, description = "The group", body = UserGroup),
        ApiErrors,
    )
)]
pub async fn update(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let id = path_id(&ids, "group_id");
    let extended = params.bool("extended_details")?.unwrap_or(false);
    let name = params.string("name")?;
    let group = api
        .service
        .api_rename_group(&c.principal, id, name.as_deref(), extended, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&group)
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}",
    tag = "user groups",
    summary = "Delete a user group",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group")),
    responses(
        (status = 200, description = "Deleted", body = OkTrue),
        ApiErrors,
    )
)]
pub async fn delete(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let id = path_id(&ids, "group_id");
    api.service
        .delete_group(&c.principal, id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&OkTrue { ok: true })
}

pub async fn members_of(
    api: &Shared,
    c: &Caller,
    id: &str,
) -> Result<Vec<Member>, ProvisioningError> {
    let g = api
        .service
        .api_group(&c.principal, id, true, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    Ok(g.users.unwrap_or_default())
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/users",
    tag = "user groups",
    summary = "A group's members, in joining order",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group")),
    responses(
        (status = 200, description = "The members", body = Members),
        ApiErrors,
    )
)]
pub async fn members(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let users = members_of(&api, &c, path_id(&ids, "group_id")).await?;
    ok(&Members { users })
}

#[utoipa::path(
    post,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/users/{user_id}",
    tag = "user groups",
    summary = "Add a member",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "Every member", body = Members),
        ApiErrors,
    )
)]
pub async fn add_member(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    change(&api, &c, &ids, true).await
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/user_groups/{group_id}/users/{user_id}",
    tag = "user groups",
    summary = "Remove a member",
    params(("account_id" = String, Path, description = "The account"), ("group_id" = String, Path, description = "The user group"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "The remaining members", body = Members),
        ApiErrors,
    )
)]
pub async fn remove_member(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    change(&api, &c, &ids, false).await
}

async fn change(
    api: &Shared,
    c: &Caller,
    ids: &std::collections::HashMap<String, String>,
    add: bool,
) -> ApiResult {
    let id = path_id(ids, "group_id");
    let user = vec![path_id(ids, "user_id").to_string()];
    let result = if add {
        api.service
            .add_group_members(&c.principal, id, &user, &c.meta)
            .await
    } else {
        api.service
            .remove_group_members(&c.principal, id, &user, &c.meta)
            .await
    };
    let list = result.map_err(|e| refusal(e, &Params::default()))?;
    ok(&Members {
        users: as_members(list),
    })
}
