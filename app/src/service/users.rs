//! User Management (docs/rules/users.md): the table, adding users with invitations, and
//! accepting an invitation.

use super::authz::{account_role_of, environments_from_scopes, role_id};
use super::crypto::random_hex;
use super::{Principal, RequestMeta, Service, ServiceError, ServiceResult};
use crate::domain::user::PAGE_SIZE;
use crate::domain::Refusal;
use crate::domain::{
    EnvironmentAccess, Feature, FieldErrors, MediaLibraryOptions, Permission, Plan, Role, Tier,
    UserPage, UserSort, UserStatus, UserSummary,
};
use crate::store::{AccountRow, ListedUser, SortKey, Tx, UserFilter};

pub(super) const INVITATION_VALID_SECS: i64 = 7 * 24 * 3600;

/// Filters and the page to show.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: String,
    pub role: String,
    pub status: String,
    /// `created` (default), `created_desc`, `name`, `email` or `last_login`.
    pub sort: String,
    /// The `next` of the previous page (of the same sort).
    pub after: String,
    /// A product environment id: users who reach it.
    pub environment: String,
}

/// Seat figures of an account (docs/rules/users.md#seats).
pub(super) struct Seats {
    pub used: i64,
    pub limit: i64,
    pub additional: i64,
    pub subscriptions_available: bool,
}

impl Seats {
    /// Every seat is taken.
    pub(super) fn used_up(&self) -> bool {
        self.used >= self.limit
    }
}

/// A table row from the stored user, their account role and environment scopes.
pub(super) fn summary_of(r: ListedUser, env_scopes: &[String]) -> Option<UserSummary> {
    let role = account_role_of(&r.role_id)?;
    let environments = environments_from_scopes(env_scopes.iter().map(String::as_str));
    Some(UserSummary {
        status: UserStatus::parse(&r.user.status)?,
        password_sign_in: r.user.providers.split(',').any(|p| p.trim() == "password"),
        two_factor: r.two_factor,
        media_library: MediaLibraryOptions {
            create_root_folders: r.user.ml_create_root_folders,
            create_collections: r.user.ml_create_collections,
        },
        groups: Vec::new(),
        root: r.user.root,
        id: r.user.id,
        email: r.user.email,
        name: r.user.name,
        role,
        environments,
        last_login_at: r.user.last_login_at,
        created_at: r.user.created_at,
    })
}

/// Media Library user options apply to that role only; everyone else keeps the defaults.
pub(super) fn media_library_options(
    role: Role,
    chosen: MediaLibraryOptions,
) -> MediaLibraryOptions {
    if role == Role::MediaLibraryUser {
        chosen
    } else {
        MediaLibraryOptions::default()
    }
}

/// Environment access as a form or a request gives it: all product environments, or only
/// these ids; `None` on an edit: unchanged.
pub type AccessChoice = (bool, Vec<String>);

/// The choice that gives `access`: all product environments, or only these.
pub(super) fn access_choice(access: &EnvironmentAccess) -> AccessChoice {
    match access {
        EnvironmentAccess::All => (true, Vec::new()),
        EnvironmentAccess::Only(ids) => (false, ids.clone()),
    }
}

/// The role and environment access of the Add users and Edit forms, checked against the
/// grant rules (docs/rules/roles.md#grant-rules rules 1 and 3); bad fields go to `e`. A
/// master admin always gets all environments; `None` (an edit that didn't touch access)
/// stays `None`.
pub(super) fn role_and_access(
    principal: &Principal,
    role: &str,
    access: Option<&AccessChoice>,
    e: &mut FieldErrors,
) -> (Option<Role>, Option<EnvironmentAccess>) {
    let role = e.check(
        "role",
        Role::from_api_str(role.trim()).ok_or_else(|| format!("Unknown role \"{}\"", role.trim())),
    );
    if let Some(r) = role {
        if !principal.role().may_grant(r) {
            e.add(
                "role",
                format!(
                    "You can't give the role {}: it has permissions yours doesn't",
                    r.console_name()
                ),
            );
        }
    }
    let access = match (role, access) {
        (Some(Role::MasterAdmin), _) => Some(EnvironmentAccess::All),
        (_, Some((true, _))) => Some(EnvironmentAccess::All),
        (_, Some((false, ids))) => Some(EnvironmentAccess::Only(listed(ids, e))),
        (_, None) => None,
    };
    let outside = match (&principal.environments, &access) {
        (EnvironmentAccess::Only(_), Some(EnvironmentAccess::All)) => true,
        (EnvironmentAccess::Only(mine), Some(EnvironmentAccess::Only(ids))) => {
            ids.iter().any(|id| !mine.contains(id))
        }
        _ => false,
    };
    if outside {
        e.add(
            "environments",
            "You can only give access to the product environments you can access",
        );
    }
    (role, access)
}

/// The listed environment ids, trimmed; one listed twice is a bad field.
fn listed(ids: &[String], e: &mut FieldErrors) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if out.iter().any(|o| o == id) {
            e.add(
                "environments",
                format!("Product environment \"{id}\" is listed twice"),
            );
        } else {
            out.push(id.to_string());
        }
    }
    out
}

/// The first environment of `access` the account doesn't have (checked inside the
/// writing transaction), as the refusal to return.
pub(super) async fn unknown_environment(
    tx: &mut Tx,
    access: &EnvironmentAccess,
) -> ServiceResult<Option<ServiceError>> {
    let EnvironmentAccess::Only(ids) = access else {
        return Ok(None);
    };
    if ids.is_empty() {
        return Ok(None);
    }
    let known = tx.environments().await?;
    Ok(ids
        .iter()
        .find(|id| !known.iter().any(|e| &e.id == *id))
        .map(|id| {
            let mut f = FieldErrors::new();
            f.refuse_in_words(
                "environments",
                format!("Product environment \"{id}\" doesn't exist"),
                Refusal::EnvironmentNotFound { id: id.clone() },
            );
            ServiceError::Invalid(f)
        }))
}

/// The table's query, checked: every bad filter named at once.
struct ValidQuery {
    status: Option<UserStatus>,
    role: Option<Role>,
    sort: UserSort,
    after: Option<(SortKey, String)>,
    /// Lowercase name or email prefix (empty: none).
    search: String,
    environment: Option<String>,
}

impl UserQuery {
    fn validate(&self) -> ServiceResult<ValidQuery> {
        let mut e = FieldErrors::new();
        let status = match self.status.trim() {
            "" => None,
            s => e.check(
                "status",
                UserStatus::parse(s).ok_or_else(|| format!("Unknown status \"{s}\"")),
            ),
        };
        let role = match self.role.trim() {
            "" => None,
            r => e.check(
                "role",
                Role::from_api_str(r).ok_or_else(|| format!("Unknown role \"{r}\"")),
            ),
        };
        let sort = match self.sort.trim() {
            "" => UserSort::default(),
            s => e
                .check(
                    "sort",
                    UserSort::parse(s).ok_or_else(|| format!("Unknown sort \"{s}\"")),
                )
                .unwrap_or_default(),
        };
        let after = match self.after.trim() {
            "" => None,
            c => e.check(
                "after",
                parse_cursor(c, sort).ok_or_else(|| "Invalid page cursor".to_string()),
            ),
        };
        let search = self.search.trim().to_lowercase();
        if search.chars().count() > 254 {
            e.add("search", "Search must be at most 254 characters");
        }
        let environment = match self.environment.trim() {
            "" => None,
            id if id.len() > 64 => {
                e.add("environment", "Unknown product environment");
                None
            }
            id => Some(id.to_string()),
        };
        e.into_result()?;
        Ok(ValidQuery {
            status,
            role,
            sort,
            after,
            search,
            environment,
        })
    }
}

/// A page cursor: `<id>:i:<number>` or `<id>:t:<text>` (the text may hold colons).
fn parse_cursor(s: &str, sort: UserSort) -> Option<(SortKey, String)> {
    let (id, rest) = s.split_once(':')?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let key = match (rest.split_once(':')?, sort.numeric_key()) {
        (("i", n), true) => SortKey::Int(n.parse().ok()?),
        (("t", t), false) => SortKey::Text(t.to_string()),
        _ => return None,
    };
    Some((key, id.to_string()))
}

fn format_cursor(id: &str, key: &SortKey) -> String {
    match key {
        SortKey::Int(n) => format!("{id}:i:{n}"),
        SortKey::Text(t) => format!("{id}:t:{t}"),
    }
}

impl Service {
    /// One page of the account's users (`users.view`), with the seat count.
    pub async fn list_users(
        &self,
        principal: &Principal,
        q: &UserQuery,
        meta: &RequestMeta,
    ) -> ServiceResult<UserPage> {
        self.list_users_by(principal, q, PAGE_SIZE, meta).await
    }

    /// [`Service::list_users`] with pages of `page_size` (1–1,000): the export's batches.
    pub async fn list_users_by(
        &self,
        principal: &Principal,
        q: &UserQuery,
        page_size: i64,
        meta: &RequestMeta,
    ) -> ServiceResult<UserPage> {
        let page_size = page_size.clamp(1, 1000);
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let query = q.validate()?;
        let role_filter = query.role.map(|r| role_id(r, "account"));
        let (rows, account) = self
            .db()
            .one_read(&permit)
            .await?
            .users_page(&UserFilter {
                status: query.status.map(UserStatus::as_str),
                role_id: role_filter.as_deref(),
                prefix: (!query.search.is_empty()).then_some(query.search.as_str()),
                environment_id: query.environment.as_deref(),
                sort: query.sort,
                after: query.after.as_ref().map(|(k, id)| (k.clone(), id.as_str())),
                limit: page_size + 1,
            })
            .await?;
        let seats = seats_of(&account.ok_or(Refusal::AccountNotFound)?);
        let has_more = rows.len() as i64 > page_size;
        let rows: Vec<_> = rows.into_iter().take(page_size as usize).collect();
        let next = has_more
            .then(|| {
                rows.last()
                    .and_then(|r| r.sort_key().map(|k| format_cursor(&r.user.id, &k)))
            })
            .flatten();
        let mut users = Vec::with_capacity(rows.len());
        for r in rows {
            let (envs, groups) = (r.environment_scopes()?, r.group_names()?);
            users.extend(summary_of(r, &envs).map(|u| UserSummary { groups, ..u }));
        }
        Ok(UserPage {
            users,
            next,
            seats_used: seats.used,
            seat_limit: seats.limit,
            additional_user_subscriptions: seats.additional,
            subscriptions_available: seats.subscriptions_available,
        })
    }

    /// Writes a user's role and product environment access as role assignments
    /// (`R@account` at the account, `R@environment` at `environment:all` or each listed one).
    pub(super) async fn write_access(
        &self,
        tx: &mut Tx,
        user_id: &str,
        role: Role,
        access: &EnvironmentAccess,
        now: i64,
    ) -> ServiceResult<()> {
        let entropy = self.inner.entropy.as_ref();
        tx.insert_role_assignment(
            &random_hex(entropy, 16),
            "user",
            user_id,
            &role_id(role, "account"),
            "account",
            now,
        )
        .await?;
        let scopes = match access {
            EnvironmentAccess::All => vec!["environment:all".to_string()],
            EnvironmentAccess::Only(ids) => {
                ids.iter().map(|id| format!("environment:{id}")).collect()
            }
        };
        for scope in scopes {
            tx.insert_role_assignment(
                &random_hex(entropy, 16),
                "user",
                user_id,
                &role_id(role, "environment"),
                &scope,
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// Seats in use and the limit: plan seats plus additional user subscriptions.
    pub(super) async fn seats(&self, tx: &mut Tx) -> ServiceResult<Seats> {
        Ok(seats_of(&self.account_row(tx).await?))
    }
}

/// The seat figures of this account row.
fn seats_of(account: &AccountRow) -> Seats {
    let plan = Plan::find(&account.plan);
    let base = plan.map_or(0, |p| p.seats_for(account.enterprise_seats));
    Seats {
        used: account.seats_used,
        limit: base + account.additional_user_subscriptions,
        additional: account.additional_user_subscriptions,
        subscriptions_available: plan.is_some_and(|p| {
            p.tier == Tier::Paid
                && p.has(Feature::AdditionalUserSubscriptions)
                && account.subscribed_via == "direct"
        }),
    }
}
