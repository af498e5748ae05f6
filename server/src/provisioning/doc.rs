//! The Provisioning API's OpenAPI 3.1 document, generated from the handlers' annotations
//! and the records' types (served at `/api/openapi.json`; a test keeps the committed copy
//! `server/openapi.json` in step).

use app::domain::provisioning::{
    AccessKey, ApiUser, EmailPreferenceFlags, EnvironmentKey, EnvironmentRef, GroupRef, Member,
    ProductEnvironment, UserGroup,
};
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};

/// `{"error":{"message":…}}`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorMessage,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ErrorMessage {
    /// A stable text, e.g. `Invalid credentials`.
    pub message: String,
}

/// The errors every operation may answer, each `{"error":{"message":…}}`.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum ApiErrors {
    /// Bad parameter or a rule broken
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// Invalid credentials
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Plan, seats or a protected user
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Unknown id
    #[response(status = 404)]
    NotFound(ErrorBody),
    /// Name, email or cloud name taken; user inactive
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// Hourly quota used up
    #[response(status = 420)]
    QuotaUsedUp(ErrorBody),
    /// Too many requests
    #[response(status = 429)]
    TooManyRequests(ErrorBody),
}

/// `{"message":"ok"}`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct MessageOk {
    pub message: String,
}

impl MessageOk {
    pub fn ok() -> MessageOk {
        MessageOk {
            message: "ok".into(),
        }
    }
}

/// `{"ok":true}` (deleting a user group).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct OkTrue {
    pub ok: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EnvironmentList {
    pub sub_accounts: Vec<ProductEnvironment>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AccessKeyList {
    pub access_keys: Vec<AccessKey>,
    /// Every key of the environment.
    pub total: i64,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserList<'a> {
    pub users: Vec<ApiUser<'a>>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct GroupsOfUser {
    pub groups: Vec<GroupRef>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EnvironmentsOfUser {
    pub sub_accounts: Vec<EnvironmentRef>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserGroupList {
    pub user_groups: Vec<UserGroup>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Members {
    pub users: Vec<Member>,
}

/// `POST /sub_accounts`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EnvironmentCreate {
    /// 1–100 characters.
    pub name: String,
    /// 3–64 of `a-z 0-9 _ -`, starting with a letter, unique; generated when absent.
    pub cloud_name: Option<String>,
    /// Copy the settings of this environment.
    pub base_sub_account_id: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub custom_attributes: Option<serde_json::Value>,
    pub description: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// `PUT /sub_accounts/{id}`: every field optional.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct EnvironmentUpdate {
    pub name: Option<String>,
    /// Only below 1000 assets.
    pub cloud_name: Option<String>,
    /// Replaces the object.
    #[schema(value_type = Option<Object>)]
    pub custom_attributes: Option<serde_json::Value>,
    pub description: Option<String>,
    pub enabled: Option<bool>,
}

/// `POST /sub_accounts/{id}/access_keys`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AccessKeyCreate {
    /// At most 64 characters, unique in the environment.
    pub name: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// `PUT /sub_accounts/{id}/access_keys/{key}`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AccessKeyUpdate {
    pub name: Option<String>,
    pub enabled: Option<bool>,
    /// `["webhooks"]` dedicates the key; `[]` clears.
    pub dedicated_for: Option<Vec<String>>,
}

/// `DELETE /sub_accounts/{id}/access_keys` (or `?name=`).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct AccessKeyName {
    pub name: String,
}

/// `POST /users`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserCreate {
    pub name: String,
    pub email: String,
    /// Default `media_library_user`.
    pub role: Option<String>,
    /// Default: every environment; `[]`: none; ignored for `master_admin`.
    pub sub_account_ids: Option<Vec<String>>,
    pub all_sub_accounts: Option<bool>,
    /// Default true. `false`: created disabled, with no invitation (enabled later, the user
    /// is pending, to be invited then).
    pub enabled: Option<bool>,
}

/// `PUT /users/{id}`: every field optional.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserUpdate {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    /// Replaces the list (access becomes "selected").
    pub sub_account_ids: Option<Vec<String>>,
    pub all_sub_accounts: Option<bool>,
    pub enabled: Option<bool>,
}

/// `POST /user_groups`, `PUT /user_groups/{id}`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserGroupBody {
    /// 1–100 characters, unique in the account (case-insensitive).
    pub name: String,
    pub extended_details: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EnvironmentQuery {
    /// Omitted: enabled and disabled.
    pub enabled: Option<bool>,
    /// At most 100; other filters are then ignored.
    pub ids: Option<Vec<String>>,
    /// At most 100.
    pub cloud_names: Option<Vec<String>>,
    /// Case-insensitive start of the name.
    pub prefix: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccessKeyQuery {
    /// 1–100; default all.
    pub page_size: Option<i64>,
    /// 1–100, 1-based.
    pub page: Option<i64>,
    /// `api_key`, `created_at` (default), `name`, `enabled`.
    pub sort_by: Option<String>,
    /// `desc` (default) or `asc`.
    pub sort_order: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NameQuery {
    pub name: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// At most 100; combine with the other filters.
    pub ids: Option<Vec<String>>,
    /// At most 100.
    pub emails: Option<Vec<String>>,
    /// `pending`, `active`, `password_reset_pending`, `disabled`, `inactive`.
    pub status: Option<String>,
    /// Older clients: true = pending; false = neither pending nor inactive.
    pub pending: Option<bool>,
    /// Case-insensitive start of the name or the email.
    pub prefix: Option<String>,
    /// Users who can access this environment.
    pub sub_account_id: Option<String>,
    /// With `from`/`to`: last login in the range (true) or not (false).
    pub last_login: Option<bool>,
    /// First day, `yyyy-mm-dd` (inclusive).
    pub from: Option<String>,
    /// Last day, `yyyy-mm-dd` (inclusive).
    pub to: Option<String>,
    /// `include` (default) or `exclude`.
    pub union_type: Option<String>,
    /// `name`, `role`, `status`, `activity`, `created_at` (default).
    pub sort_by: Option<String>,
    /// `desc` (default) or `asc`.
    pub sort_order: Option<String>,
    /// 1-based; with `page_size` (1–500, default 50). Neither: every match.
    pub page: Option<i64>,
    pub page_size: Option<i64>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExtendedQuery {
    /// Also the members, `created_at` and `updated_at`.
    pub extended_details: Option<bool>,
}

struct BasicAuth;

impl Modify for BasicAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "account_api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some("Username: the account API key; password: its secret"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Console Provisioning API",
        description = "Accounts' product environments, access keys, users and user groups, \
            wire-compatible with Cloudinary's Provisioning API. Every success is 200 with JSON; \
            errors are {\"error\":{\"message\":…}}.",
        version = "1.1.0"
    ),
    paths(
        super::environments::list, super::environments::create, super::environments::get,
        super::environments::update, super::environments::delete,
        super::access_keys::list, super::access_keys::create, super::access_keys::update,
        super::access_keys::delete, super::access_keys::delete_by_name,
        super::users::list, super::users::create, super::users::get, super::users::update,
        super::users::delete, super::users::groups, super::users::environments,
        super::groups::list, super::groups::create, super::groups::get, super::groups::update,
        super::groups::delete, super::groups::members, super::groups::add_member,
        super::groups::remove_member,
    ),
    components(schemas(
        ErrorBody, ErrorMessage, MessageOk, OkTrue, EnvironmentList, AccessKeyList, UserList,
        GroupsOfUser, EnvironmentsOfUser, UserGroupList, Members, EnvironmentCreate,
        EnvironmentUpdate, AccessKeyCreate, AccessKeyUpdate, AccessKeyName, UserCreate,
        UserUpdate, UserGroupBody, ProductEnvironment, EnvironmentKey, AccessKey, ApiUser,
        EmailPreferenceFlags, GroupRef, EnvironmentRef, Member, UserGroup,
    )),
    modifiers(&BasicAuth),
    security(("account_api_key" = [])),
    tags(
        (name = "product environments", description = "sub_accounts"),
        (name = "access keys", description = "API keys of a product environment"),
        (name = "users"),
        (name = "user groups"),
    )
)]
pub struct ApiDoc;

/// The document as served and committed (pretty JSON, a final newline).
pub fn document() -> String {
    let mut json = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    json.push('\n');
    json
}
