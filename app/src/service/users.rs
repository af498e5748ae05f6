//! User Management (product.md §4): the table, adding users with invitations, and
//! accepting an invitation.

use super::authz::{environments_from_scopes, role_from_assignments, role_id};
use super::crypto::{new_token, random_hex, sha256_hex};
use super::{
    AuditRecord, AuditTarget, Permit, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::user::{MAX_EMAILS_PER_INVITE, PAGE_SIZE};
use crate::domain::{
    password, Email, EnvironmentAccess, FieldErrors, Permission, Plan, Role, UserPage, UserStatus,
    UserSummary,
};
use crate::store::{NewUser, OutboxMessage, Tx, UserFilter, UserTokenRow};
use serde_json::json;
use std::collections::HashMap;

pub const SEAT_LIMIT_REACHED: &str =
    "You have reached the maximum number of users allowed for your plan";
const INVITATION_VALID_SECS: i64 = 7 * 24 * 3600;
const LINK_INVALID: &str =
    "This link is invalid or has expired. Ask an administrator to send a new one.";

/// Filters and the page to show.
#[derive(Debug, Clone, Default)]
pub struct UserQuery {
    pub search: String,
    pub role: String,
    pub status: String,
    /// The `next` of the previous page.
    pub after: String,
}

/// The Add users form: up to five emails sharing one role and one environment access.
#[derive(Debug, Clone, Default)]
pub struct AddUsersInput {
    pub emails: Vec<String>,
    pub role: String,
    /// All product environments (including later ones), or only `environment_ids`.
    pub all_environments: bool,
    pub environment_ids: Vec<String>,
}

fn parse_cursor(s: &str) -> Option<(i64, String)> {
    let (at, id) = s.split_once(':')?;
    Some((at.parse().ok()?, id.to_string()))
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
        let after = match q.after.trim() {
            "" => None,
            c => e.check(
                "after",
                parse_cursor(c).ok_or_else(|| "Invalid page cursor".to_string()),
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
            .list_users(
                principal.account_id(),
                &UserFilter {
                    status: status.map(UserStatus::as_str),
                    role_id: role_filter.as_deref(),
                    prefix: (!search.is_empty()).then_some(search.as_str()),
                    after: after.as_ref().map(|(at, id)| (*at, id.as_str())),
                    limit: PAGE_SIZE + 1,
                },
            )
            .await?;
        let has_more = rows.len() as i64 > PAGE_SIZE;
        let rows: Vec<_> = rows.into_iter().take(PAGE_SIZE as usize).collect();
        let ids: Vec<String> = rows.iter().map(|r| r.user.id.clone()).collect();
        let mut scopes: HashMap<String, Vec<String>> = HashMap::new();
        for (user_id, scope) in tx.environment_scopes_of(&ids).await? {
            scopes.entry(user_id).or_default().push(scope);
        }
        let seats_used = tx.seats_used(principal.account_id()).await?;
        let seat_limit = self.seat_limit(&mut tx, principal.account_id()).await?;
        tx.finish().await?;
        let next = if has_more {
            rows.last()
                .map(|r| format!("{}:{}", r.user.created_at, r.user.id))
        } else {
            None
        };
        let users = rows
            .into_iter()
            .filter_map(|r| {
                let role = role_from_assignments(&[(r.role_id.clone(), "account".into())])?;
                let environments = environments_from_scopes(
                    scopes
                        .get(&r.user.id)
                        .map(|v| v.iter().map(String::as_str).collect::<Vec<_>>())
                        .unwrap_or_default()
                        .into_iter(),
                );
                Some(UserSummary {
                    status: UserStatus::parse(&r.user.status)?,
                    id: r.user.id,
                    email: r.user.email,
                    name: r.user.name,
                    role,
                    environments,
                    last_login_at: r.user.last_login_at,
                    created_at: r.user.created_at,
                })
            })
            .collect();
        Ok(UserPage {
            users,
            next,
            seats_used,
            seat_limit,
        })
    }

    /// Plan seats plus additional user subscriptions.
    async fn seat_limit(&self, tx: &mut Tx, account_id: &str) -> ServiceResult<i64> {
        let account = tx
            .account(account_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound("Account not found".into()))?;
        let seats = Plan::find(&account.plan)
            .map(|p| i64::from(p.seats))
            .unwrap_or(0);
        Ok(seats + account.additional_user_subscriptions)
    }

    /// Adds up to five users with one role and one environment access (`users.invite`).
    /// All or nothing: any bad row creates nobody, and every bad row is named.
    pub async fn add_users(
        &self,
        principal: &Principal,
        input: &AddUsersInput,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<String>> {
        let permit = self
            .authorize(principal, Permission::UsersInvite, meta)
            .await?;
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
        let role = e.check(
            "role",
            Role::from_api_str(input.role.trim())
                .ok_or_else(|| format!("Unknown role \"{}\"", input.role.trim())),
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
            _ if input.all_environments => EnvironmentAccess::All,
            _ => EnvironmentAccess::Only(
                input
                    .environment_ids
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
            (_, EnvironmentAccess::Only(ids)) => {
                // No product environment exists until the environments work lands.
                if let Some(id) = ids.first() {
                    e.add(
                        "environments",
                        format!("Product environment \"{id}\" doesn't exist"),
                    );
                }
            }
            _ => {}
        }
        e.into_result()?;
        let role = role.ok_or_else(|| ServiceError::invalid("role", "Choose a role"))?;

        let now = self.now();
        let account_id = principal.account_id().to_string();
        let mut tx = self.db().write(&permit).await?;
        let mut taken = FieldErrors::new();
        for (i, email) in &emails {
            if tx.live_user_by_email(&email.normalized()).await?.is_some() {
                taken.add(&format!("emails[{i}]"), "This email already exists");
            }
        }
        if !taken.is_empty() {
            tx.finish().await?;
            return Err(ServiceError::Invalid(taken));
        }
        let used = tx.seats_used(&account_id).await?;
        let limit = self.seat_limit(&mut tx, &account_id).await?;
        if used + emails.len() as i64 > limit {
            tx.finish().await?;
            return Err(ServiceError::Forbidden(if used >= limit {
                SEAT_LIMIT_REACHED.to_string()
            } else {
                format!(
                    "{SEAT_LIMIT_REACHED}: {} of {limit} seats are free",
                    limit - used
                )
            }));
        }
        let account_name = tx
            .account(&account_id)
            .await?
            .map(|a| a.name)
            .unwrap_or_default();
        let entropy = self.inner.entropy.as_ref();
        let mut created = Vec::new();
        let mut records = Vec::new();
        for (_, email) in &emails {
            let user_id = random_hex(entropy, 16);
            tx.insert_user(&NewUser {
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
            let account_role = role_id(role, "account");
            tx.insert_role_assignment(
                &random_hex(entropy, 16),
                &account_id,
                "user",
                &user_id,
                &account_role,
                "account",
                now,
            )
            .await?;
            let env_role = role_id(role, "environment");
            let scopes = match &access {
                EnvironmentAccess::All => vec!["environment:all".to_string()],
                EnvironmentAccess::Only(ids) => {
                    ids.iter().map(|id| format!("environment:{id}")).collect()
                }
            };
            for scope in scopes {
                tx.insert_role_assignment(
                    &random_hex(entropy, 16),
                    &account_id,
                    "user",
                    &user_id,
                    &env_role,
                    &scope,
                    now,
                )
                .await?;
            }
            let token = new_token(entropy);
            tx.insert_user_token(&UserTokenRow {
                token_hash: sha256_hex(&token),
                user_id: user_id.clone(),
                purpose: "invitation".into(),
                created_at: now,
                expires_at: now + INVITATION_VALID_SECS,
            })
            .await?;
            let link = format!("{}/invite?token={token}", self.config().public_url);
            let (subject, text, html) =
                invitation_email(&account_name, &principal.email, role, &link);
            tx.enqueue_email(&OutboxMessage {
                account_id: &account_id,
                to: email.as_str(),
                subject: &subject,
                text: &text,
                html: &html,
                now,
            })
            .await?;
            records.push(
                AuditRecord::new("user.create", principal.actor(), now, Some(meta))
                    .account(&account_id)
                    .target(AuditTarget::new("user", &user_id, email.as_str()))
                    .change(
                        None,
                        Some(json!({
                            "email": email.as_str(), "role": role.api_str(), "status": "pending",
                            "environments": match &access { EnvironmentAccess::All => json!("all"), EnvironmentAccess::Only(ids) => json!(ids) },
                        })),
                    ),
            );
            created.push(user_id);
        }
        let last = records
            .pop()
            .ok_or_else(|| ServiceError::invalid("emails", "Enter at least one email address"))?;
        for r in &records {
            tx.append_audit(r).await?;
        }
        tx.commit(&last).await?;
        Ok(created)
    }

    /// Sets the password of an invited user from their link: the user becomes active and
    /// the link dies. Anyone holding the link may do this; nobody else.
    pub async fn accept_invitation(
        &self,
        token: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = Permit::granted();
        let now = self.now();
        let token_hash = sha256_hex(token.trim());
        let mut tx = self.db().read(&permit).await?;
        let found = tx.user_token(&token_hash).await?;
        let user = match &found {
            Some(t) => tx.user(&t.user_id).await?,
            None => None,
        };
        let account = match &user {
            Some(u) => tx.account(&u.account_id).await?,
            None => None,
        };
        tx.finish().await?;
        let (Some(t), Some(user), Some(account)) = (found, user, account) else {
            return Err(ServiceError::invalid("token", LINK_INVALID));
        };
        if t.purpose != "invitation"
            || t.expires_at <= now
            || user.status != UserStatus::Pending.as_str()
            || !user.enabled
        {
            return Err(ServiceError::invalid("token", LINK_INVALID));
        }
        let context = [
            user.email.as_str(),
            account.name.as_str(),
            user.name.as_deref().unwrap_or(""),
        ];
        password::check(new_password, &context)
            .map_err(|m| ServiceError::invalid("password", m))?;
        let hash = self
            .inner
            .hasher
            .hash(&password::normalize(new_password))
            .await?;

        let mut tx = self.db().write(&permit).await?;
        // The link may have been used or superseded while the password was hashed.
        if tx.user_token(&token_hash).await?.is_none() {
            tx.finish().await?;
            return Err(ServiceError::invalid("token", LINK_INVALID));
        }
        tx.activate_user_with_password(&user.id, &hash, now).await?;
        tx.delete_user_tokens(&user.id).await?;
        let record = AuditRecord::by_user("user.accept_invitation", &user, now, meta)
            .target(AuditTarget::new("user", &user.id, &user.email))
            .change(
                Some(json!({ "status": "pending" })),
                Some(json!({ "status": "active", "password": "[redacted]" })),
            );
        tx.commit(&record).await?;
        Ok(())
    }
}

impl Service {
    /// The operator's view of the outbox (`server outbox`), newest first.
    pub async fn read_outbox(
        &self,
        to: Option<&str>,
        limit: i64,
    ) -> ServiceResult<Vec<crate::store::OutboxRow>> {
        let permit = Permit::granted();
        let mut tx = self.db().read(&permit).await?;
        let rows = tx.outbox(to, limit.clamp(1, 1000)).await?;
        tx.finish().await?;
        Ok(rows)
    }
}

fn invitation_email(
    account: &str,
    inviter: &str,
    role: Role,
    link: &str,
) -> (String, String, String) {
    let subject = format!("You're invited to {account} on the console");
    let text = format!(
        "{inviter} invited you to the {account} account as {role}.\n\n\
         Set your password to get started (the link works once, for 7 days):\n{link}\n\n\
         If you weren't expecting this, you can ignore this email.\n",
        role = role.console_name()
    );
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let html = format!(
        "<p>{} invited you to the <strong>{}</strong> account as {}.</p>\
         <p><a href=\"{}\">Set your password</a> to get started (the link works once, for 7 days).</p>\
         <p>If you weren't expecting this, you can ignore this email.</p>",
        esc(inviter),
        esc(account),
        esc(role.console_name()),
        esc(link)
    );
    (subject, text, html)
}
