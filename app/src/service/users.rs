//! User Management (product.md §4): the table, adding users with invitations, and
//! accepting an invitation.

use super::authz::{account_role_of, environments_from_scopes, role_id};
use super::crypto::random_hex;
use super::emails;
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::user::{MAX_EMAILS_PER_INVITE, PAGE_SIZE};
use crate::domain::validation;
use crate::domain::Refusal;
use crate::domain::{
    Email, EnvironmentAccess, Feature, FieldErrors, LinkPurpose, MediaLibraryOptions, Permission,
    Plan, Role, Tier, UserPage, UserSort, UserStatus, UserSummary,
};
use crate::store::{ListedUser, NewUser, SortKey, Tx, UserFilter};
use serde_json::json;
use std::collections::HashMap;

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
}

/// The Add users form: up to five emails sharing one role and one environment access.
#[derive(Debug, Clone, Default)]
pub struct AddUsersInput {
    pub emails: Vec<String>,
    /// Each row's name (same index as `emails`); missing or empty: none yet.
    pub names: Vec<String>,
    pub role: String,
    /// All product environments (including later ones), or only `environment_ids`.
    pub all_environments: bool,
    pub environment_ids: Vec<String>,
    /// Applies to Media Library users only; others get the defaults.
    pub media_library: MediaLibraryOptions,
}

/// Seat figures of an account (product.md §4.3).
pub(super) struct Seats {
    pub used: i64,
    pub limit: i64,
    pub additional: i64,
    pub subscriptions_available: bool,
}

/// A table row from the stored user, their account role and environment scopes.
pub(super) fn summary_of(r: ListedUser, env_scopes: &[String]) -> Option<UserSummary> {
    let role = account_role_of(&r.role_id)?;
    let environments = environments_from_scopes(env_scopes.iter().map(String::as_str));
    Some(UserSummary {
        status: UserStatus::parse(&r.user.status)?,
        password_sign_in: r.user.providers.split(',').any(|p| p.trim() == "password"),
        media_library: MediaLibraryOptions {
            create_root_folders: r.user.ml_create_root_folders,
            create_collections: r.user.ml_create_collections,
        },
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

/// The role and environment access of the Add users and Edit forms, checked against the
/// grant rules (roles.md §3.2 rules 1 and 3); bad fields go to `e`.
pub(super) fn role_and_access(
    principal: &Principal,
    role: &str,
    all_environments: bool,
    environment_ids: &[String],
    e: &mut FieldErrors,
) -> (Option<Role>, EnvironmentAccess) {
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
    let access = match role {
        Some(Role::MasterAdmin) => EnvironmentAccess::All,
        _ if all_environments => EnvironmentAccess::All,
        _ => EnvironmentAccess::Only(
            environment_ids
                .iter()
                .map(|s| s.trim().to_string())
                .collect(),
        ),
    };
    match (&principal.environments, &access) {
        (EnvironmentAccess::Only(_), EnvironmentAccess::All) => e.add(
            "environments",
            "You can only give access to the product environments you can access",
        ),
        (EnvironmentAccess::Only(mine), EnvironmentAccess::Only(ids))
            if ids.iter().any(|id| !mine.contains(id)) =>
        {
            e.add(
                "environments",
                "You can only give access to the product environments you can access",
            )
        }
        _ => {}
    }
    (role, access)
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
            ServiceError::invalid(
                "environments",
                format!("Product environment \"{id}\" doesn't exist"),
            )
        }))
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
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let mut e = FieldErrors::new();
        let status = match q.status.trim() {
            "" => None,
            s => e.check(
                "status",
                UserStatus::parse(s).ok_or_else(|| format!("Unknown status \"{s}\"")),
            ),
        };
        let role = match q.role.trim() {
            "" => None,
            r => e.check(
                "role",
                Role::from_api_str(r).ok_or_else(|| format!("Unknown role \"{r}\"")),
            ),
        };
        let sort = match q.sort.trim() {
            "" => UserSort::default(),
            s => e
                .check(
                    "sort",
                    UserSort::parse(s).ok_or_else(|| format!("Unknown sort \"{s}\"")),
                )
                .unwrap_or_default(),
        };
        let after = match q.after.trim() {
            "" => None,
            c => e.check(
                "after",
                parse_cursor(c, sort).ok_or_else(|| "Invalid page cursor".to_string()),
            ),
        };
        let search = q.search.trim().to_lowercase();
        if search.chars().count() > 254 {
            e.add("search", "Search must be at most 254 characters");
        }
        e.into_result()?;
        let role_filter = role.map(|r| role_id(r, "account"));
        let mut tx = self.db().read(&permit).await?;
        let rows = tx
            .list_users(&UserFilter {
                status: status.map(UserStatus::as_str),
                role_id: role_filter.as_deref(),
                prefix: (!search.is_empty()).then_some(search.as_str()),
                sort,
                after: after.as_ref().map(|(k, id)| (k.clone(), id.as_str())),
                limit: PAGE_SIZE + 1,
            })
            .await?;
        let has_more = rows.len() as i64 > PAGE_SIZE;
        let rows: Vec<_> = rows.into_iter().take(PAGE_SIZE as usize).collect();
        let ids: Vec<String> = rows.iter().map(|r| r.user.id.clone()).collect();
        let mut scopes: HashMap<String, Vec<String>> = HashMap::new();
        for (user_id, scope) in tx.environment_scopes_of(&ids).await? {
            scopes.entry(user_id).or_default().push(scope);
        }
        let seats = self.seats(&mut tx).await?;
        tx.finish().await?;
        let next = if has_more {
            rows.last()
                .and_then(|r| r.sort_key().map(|k| format_cursor(&r.user.id, &k)))
        } else {
            None
        };
        let users = rows
            .into_iter()
            .filter_map(|r| {
                let envs = scopes.get(&r.user.id).cloned().unwrap_or_default();
                summary_of(r, &envs)
            })
            .collect();
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
        let account = self.account_row(tx).await?;
        let plan = Plan::find(&account.plan);
        let base = plan.map(|p| i64::from(p.seats)).unwrap_or(0);
        Ok(Seats {
            used: account.seats_used,
            limit: base + account.additional_user_subscriptions,
            additional: account.additional_user_subscriptions,
            subscriptions_available: plan.is_some_and(|p| {
                p.tier == Tier::Paid
                    && p.has(Feature::AdditionalUserSubscriptions)
                    && account.subscribed_via == "direct"
            }),
        })
    }

    /// Adds up to five users with one role and one environment access (`users.invite`).
    /// All or nothing: any bad row creates nobody, and every bad row is named.
    pub async fn add_users(
        &self,
        principal: &Principal,
        input: &AddUsersInput,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<String>> {
        self.add_users_with_status(principal, input, true, meta)
            .await
    }

    /// [`Service::add_users`], or adds them disabled (`enabled: false`, which also takes
    /// `users.manage`) in the same transaction: each keeps its `user.create` record and
    /// gets a `user.disable` one, and no invitation goes out (its link couldn't be used;
    /// enabling the user makes them pending again, to be invited then).
    pub async fn add_users_with_status(
        &self,
        principal: &Principal,
        input: &AddUsersInput,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<String>> {
        let permit = self
            .authorize(principal, Permission::UsersInvite, meta)
            .await?;
        if !enabled {
            self.authorize(principal, Permission::UsersManage, meta)
                .await?;
        }
        let mut e = FieldErrors::new();
        let rows: Vec<(usize, &str)> = input
            .emails
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.trim()))
            .filter(|(_, s)| !s.is_empty())
            .collect();
        if rows.is_empty() {
            e.add("emails", "Enter at least one email address");
        }
        if rows.len() > MAX_EMAILS_PER_INVITE {
            e.add(
                "emails",
                format!("Add at most {MAX_EMAILS_PER_INVITE} users at once"),
            );
        }
        let mut emails: Vec<(usize, Email)> = Vec::new();
        for (i, raw) in &rows {
            let field = format!("emails[{i}]");
            if let Some(email) = e.check(&field, Email::parse(raw)) {
                if emails
                    .iter()
                    .any(|(_, other)| other.normalized() == email.normalized())
                {
                    e.add(&field, "This email is already in the list");
                } else {
                    emails.push((*i, email));
                }
            }
        }
        let mut names: Vec<Option<String>> = Vec::new();
        for (i, _) in &emails {
            let raw = input.names.get(*i).map_or("", String::as_str);
            let name = e.check("name", validation::name(raw, 0, 128, "Name"));
            names.push(name.filter(|n| !n.is_empty()));
        }
        let (role, access) = role_and_access(
            principal,
            &input.role,
            input.all_environments,
            &input.environment_ids,
            &mut e,
        );
        e.into_result()?;
        let role = role.ok_or_else(|| ServiceError::invalid("role", "Choose a role"))?;
        let options = media_library_options(role, input.media_library);

        let now = self.now();
        let account_id = principal.account_id().to_string();
        let mut tx = self.db().write(&permit).await?;
        if let Some(refusal) = unknown_environment(&mut tx, &access).await? {
            tx.finish().await?;
            return Err(refusal);
        }
        let mut taken = FieldErrors::new();
        for (i, email) in &emails {
            if tx.live_user_by_email(&email.normalized()).await?.is_some() {
                taken.refuse(&format!("emails[{i}]"), Refusal::EmailTaken);
            }
        }
        if !taken.is_empty() {
            tx.finish().await?;
            return Err(ServiceError::Invalid(taken));
        }
        let Seats { used, limit, .. } = self.seats(&mut tx).await?;
        if used + emails.len() as i64 > limit {
            tx.finish().await?;
            return Err(ServiceError::from(Refusal::SeatLimit {
                free: (limit - used).max(0),
                limit,
            }));
        }
        let account_name = self.account_name(&mut tx).await?;
        let entropy = self.inner.entropy.as_ref();
        let mut created = Vec::new();
        let mut records = Vec::new();
        for ((_, email), name) in emails.iter().zip(&names) {
            let user_id = random_hex(entropy, 16);
            tx.insert_user(&NewUser {
                name: name.as_deref(),
                media_library: options,
                id: &user_id,
                account_id: &account_id,
                email: email.as_str(),
                email_normalized: &email.normalized(),
                status: UserStatus::Pending.as_str(),
                root: false,
                password_hash: None,
                now,
            })
            .await?;
            self.write_access(&mut tx, &user_id, role, &access, now)
                .await?;
            if enabled {
                let link = self
                    .new_link(&mut tx, &user_id, LinkPurpose::Invitation, now)
                    .await?;
                let message = emails::invitation(&account_name, &principal.email, role, &link);
                emails::enqueue(
                    &mut tx,
                    &account_id,
                    Some(&user_id),
                    email.as_str(),
                    &message,
                    now,
                )
                .await?;
            }
            records.push(
                AuditRecord::new("user.create", principal.actor(), now, Some(meta))
                    .account(&account_id)
                    .target(AuditTarget::new("user", &user_id, email.as_str()))
                    .change(
                        None,
                        Some(json!({
                            "email": email.as_str(), "role": role.api_str(), "status": "pending", "media_library": options,
                            "environments": match &access { EnvironmentAccess::All => json!("all"), EnvironmentAccess::Only(ids) => json!(ids) },
                        })),
                    ),
            );
            if !enabled {
                let user = tx.user(&user_id).await?.ok_or_else(|| {
                    ServiceError::from(Refusal::UserNotFound {
                        id: user_id.to_string(),
                    })
                })?;
                records.push(
                    self.write_disable(&mut tx, &user, UserStatus::Pending, principal, meta, now)
                        .await?,
                );
            }
            created.push(user_id);
        }
        let Some((first, rest)) = records.split_first() else {
            return Err(ServiceError::invalid(
                "emails",
                "Enter at least one email address",
            ));
        };
        tx.commit_many(first, rest).await?;
        Ok(created)
    }
}
