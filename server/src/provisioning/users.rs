//! Users (docs/rules/provisioning-api.md#users).

use super::doc::*;
use super::request::{path_id, Caller, Ids};
use super::{ok, ApiResult, Params, ProvisioningError, Shared};
use app::domain::provisioning::{ApiUser, ApiUserFilter, ApiUserSort, LoginFilter, StatusFilter};
use app::domain::{MediaLibraryOptions, Role, UserStatus};
use app::service::{AddUsersInput, ServiceError, UserPatch};
use axum::extract::{Path, State};

/// The service's field names on users, as the API's parameters.
const FIELDS: &[(&str, &str)] = &[
    ("emails", "email"),
    ("environments", "sub_account_ids"),
    ("environment_ids", "sub_account_ids"),
];

fn refusal(e: ServiceError, params: &Params) -> ProvisioningError {
    ProvisioningError::from_service(e, params, FIELDS)
}

const DAY: i64 = 86_400;

/// The day of `yyyy-mm-dd`, an ISO-8601 date-time or `yyyy-mm-dd hh:mm:ss[.ffffff]`, as
/// the instant it starts (UTC).
fn day_start(params: &Params, name: &str) -> Result<Option<i64>, ProvisioningError> {
    let Some(raw) = params.string(name)? else {
        return Ok(None);
    };
    let day = raw.trim().get(..10).unwrap_or("");
    time::Date::parse(
        day,
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map(|d| Some(d.midnight().assume_utc().unix_timestamp()))
    .map_err(|_| ProvisioningError::invalid_value(&raw, name))
}

fn filter(params: &Params) -> Result<ApiUserFilter, ProvisioningError> {
    let status = match (params.string("status")?, params.bool("pending")?) {
        (Some(s), _) => StatusFilter::Only(
            UserStatus::parse(s.trim())
                .ok_or_else(|| ProvisioningError::invalid_value(&s, "status"))?,
        ),
        (None, Some(true)) => StatusFilter::Only(UserStatus::Pending),
        (None, Some(false)) => StatusFilter::NotPending,
        (None, None) => StatusFilter::Live,
    };
    let from = day_start(params, "from")?;
    let to = day_start(params, "to")?.map(|d| d + DAY);
    let exclude = match params.string("union_type")?.as_deref() {
        None | Some("include") => false,
        Some("exclude") => true,
        Some(other) => return Err(ProvisioningError::invalid_value(other, "union_type")),
    };
    let last_login = params.bool("last_login")?.map(|on| LoginFilter {
        inside: on && !exclude,
        from,
        to,
    });
    let sort = match params.string("sort_by")? {
        None => ApiUserSort::CreatedAt,
        Some(s) => {
            ApiUserSort::parse(&s).ok_or_else(|| ProvisioningError::invalid_value(&s, "sort_by"))?
        }
    };
    let descending = match params.string("sort_order")?.as_deref() {
        None | Some("desc") => true,
        Some("asc") => false,
        Some(other) => return Err(ProvisioningError::invalid_value(other, "sort_order")),
    };
    let page = params.int("page", 1, i64::from(u32::MAX))?;
    let page_size = params.int("page_size", 1, 500)?;
    let page = match (page, page_size) {
        (None, None) => None,
        (p, s) => Some((p.unwrap_or(1) as u32, s.unwrap_or(50) as u32)),
    };
    Ok(ApiUserFilter {
        ids: params.list("ids")?.unwrap_or_default(),
        emails: params.list("emails")?.unwrap_or_default(),
        status,
        prefix: params.string("prefix")?,
        environment_id: params.string("sub_account_id")?,
        last_login,
        sort,
        descending,
        page,
    })
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/users",
    tag = "users",
    summary = "List users",
    params(("account_id" = String, Path, description = "The account"), UserQuery),
    responses(
        (status = 200, description = "The users", body = UserList),
        ApiErrors,
    )
)]
pub async fn list(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let f = filter(&params)?;
    let page = api
        .service
        .api_users(&c.principal, &f, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    let users = page.users().map_err(|e| refusal(e, &params))?;
    ok(&UserList { users })
}

async fn user(api: &Shared, c: &Caller, id: &str) -> Result<ApiUser<'static>, ProvisioningError> {
    api.service
        .api_user_by_id(&c.principal, id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/users/{user_id}",
    tag = "users",
    summary = "Get a user (any status)",
    params(("account_id" = String, Path, description = "The account"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "The user", body = ApiUser),
        ApiErrors,
    )
)]
pub async fn get(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    ok(&user(&api, &c, path_id(&ids, "user_id")).await?)
}

/// `sub_account_ids` and `all_sub_accounts` as (all, ids); `None` when neither is given.
/// Whether each id is an environment of the account is the service's to check (404).
fn access(params: &Params) -> Result<Option<(bool, Vec<String>)>, ProvisioningError> {
    let ids = params.list("sub_account_ids")?;
    let all = params.bool("all_sub_accounts")?;
    Ok(match (all, ids) {
        (Some(true), _) => Some((true, Vec::new())),
        (_, Some(ids)) => Some((false, ids)),
        (Some(false), None) => Some((false, Vec::new())),
        (None, None) => None,
    })
}

fn role(params: &Params) -> Result<Option<String>, ProvisioningError> {
    match params.string("role")? {
        Some(r) if Role::from_api_str(r.trim()).is_none() => {
            Err(ProvisioningError::invalid_value(&r, "role"))
        }
        r => Ok(r.map(|r| r.trim().to_string())),
    }
}

#[utoipa::path(
    post,
    path = "/v1_1/provisioning/accounts/{account_id}/users",
    tag = "users",
    summary = "Create (invite) a user",
    params(("account_id" = String, Path, description = "The account")),
    request_body = UserCreate,
    responses(
        (status = 200, description = "The new user, pending", body = ApiUser),
        ApiErrors,
    )
)]
pub async fn create(State(api): State<Shared>, c: Caller, params: Params) -> ApiResult {
    let name = params.required("name")?;
    let email = params.required("email")?;
    let role = role(&params)?.unwrap_or_else(|| Role::MediaLibraryUser.api_str().to_string());
    let enabled = params.bool("enabled")?.unwrap_or(true);
    let (all, ids) = access(&params)?.unwrap_or((true, Vec::new()));
    let input = AddUsersInput {
        emails: vec![email],
        names: vec![name],
        role,
        all_environments: all,
        environment_ids: ids,
        group_ids: Vec::new(),
        media_library: MediaLibraryOptions::default(),
        sso_invitation_only: false,
    };
    let user = api
        .service
        .api_create_user(&c.principal, &input, enabled, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&user)
}

#[utoipa::path(
    put,
    path = "/v1_1/provisioning/accounts/{account_id}/users/{user_id}",
    tag = "users",
    summary = "Update a user",
    params(("account_id" = String, Path, description = "The account"), ("user_id" = String, Path, description = "The user")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The updated user", body = ApiUser),
        ApiErrors,
    )
)]
pub async fn update(
    State(api): State<Shared>,
    c: Caller,
    Path(ids): Ids,
    params: Params,
) -> ApiResult {
    let patch = UserPatch {
        name: params.string("name")?,
        email: params.string("email")?,
        role: role(&params)?,
        access: access(&params)?,
        enabled: params.bool("enabled")?,
    };
    let user = api
        .service
        .patch_user(&c.principal, path_id(&ids, "user_id"), &patch, &c.meta)
        .await
        .map_err(|e| refusal(e, &params))?;
    ok(&user)
}

#[utoipa::path(
    delete,
    path = "/v1_1/provisioning/accounts/{account_id}/users/{user_id}",
    tag = "users",
    summary = "Delete a user (becomes inactive)",
    params(("account_id" = String, Path, description = "The account"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "Deleted", body = MessageOk),
        ApiErrors,
    )
)]
pub async fn delete(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    api.service
        .api_delete_user(&c.principal, path_id(&ids, "user_id"), &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&MessageOk::ok())
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/groups",
    tag = "users",
    summary = "A user's groups",
    params(("account_id" = String, Path, description = "The account"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "The groups", body = GroupsOfUser),
        ApiErrors,
    )
)]
pub async fn groups(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let id = path_id(&ids, "user_id");
    let groups = api
        .service
        .api_user_groups(&c.principal, id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&GroupsOfUser { groups })
}

#[utoipa::path(
    get,
    path = "/v1_1/provisioning/accounts/{account_id}/users/{user_id}/sub_accounts",
    tag = "users",
    summary = "The product environments a user can access",
    params(("account_id" = String, Path, description = "The account"), ("user_id" = String, Path, description = "The user")),
    responses(
        (status = 200, description = "The environments", body = EnvironmentsOfUser),
        ApiErrors,
    )
)]
pub async fn environments(State(api): State<Shared>, c: Caller, Path(ids): Ids) -> ApiResult {
    let id = path_id(&ids, "user_id");
    let list = api
        .service
        .api_user_environments(&c.principal, id, &c.meta)
        .await
        .map_err(|e| refusal(e, &Params::default()))?;
    ok(&EnvironmentsOfUser { sub_accounts: list })
}
