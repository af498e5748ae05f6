//! *Add users* (docs/rules/users.md): up to five emails sharing one role and one product
//! environment access, each invited by email — all or nothing. The same steps create one
//! user for the Provisioning API, whose answer is read in the same transaction.

use super::crypto::random_hex;
use super::emails;
use super::users::{media_library_options, role_and_access, unknown_environment, Seats};
use super::ServiceResult;
use super::{AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError};
use crate::domain::user::MAX_EMAILS_PER_INVITE;
use crate::domain::{
    validation, Email, EnvironmentAccess, FieldErrors, LinkPurpose, MediaLibraryOptions,
    Permission, Refusal, Role, UserStatus,
};
use crate::store::{GroupRow, NewUser, Tx};
use serde_json::json;

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
    /// Groups the new users join (`groups.manage`).
    pub group_ids: Vec<String>,
    /// Applies to Media Library users only; others get the defaults.
    pub media_library: MediaLibraryOptions,
    /// *Send invitation email* unticked (SAML on): an SSO invitation, no password link; the
    /// user stays pending until their first SAML sign-in.
    pub sso_invitation_only: bool,
}

/// The form, validated: each email with its row number, its name, and what they all get.
struct NewUsers {
    emails: Vec<(usize, Email)>,
    names: Vec<Option<String>>,
    role: Role,
    access: EnvironmentAccess,
    options: MediaLibraryOptions,
    /// Groups to join, each once.
    groups: Vec<String>,
}

/// Every bad field of the form at once, before anything is read.
fn validate(principal: &Principal, input: &AddUsersInput) -> ServiceResult<NewUsers> {
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
    let mut names = Vec::new();
    for (i, _) in &emails {
        let raw = input.names.get(*i).map_or("", String::as_str);
        let name = e.check("name", validation::name(raw, 0, 128, "Name"));
        names.push(name.filter(|n| !n.is_empty()));
    }
    let choice = (input.all_environments, input.environment_ids.clone());
    let (role, access) = role_and_access(principal, &input.role, Some(&choice), &mut e);
    e.into_result()?;
    let (Some(role), Some(access)) = (role, access) else {
        return Err(ServiceError::invalid("role", "Choose a role"));
    };
    let mut groups: Vec<String> = Vec::new();
    for id in input
        .group_ids
        .iter()
        .map(|g| g.trim())
        .filter(|g| !g.is_empty())
    {
        if !groups.iter().any(|g| g == id) {
            groups.push(id.to_string());
        }
    }
    Ok(NewUsers {
        emails,
        names,
        role,
        options: media_library_options(role, input.media_library),
        access,
        groups,
    })
}

impl Service {
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
        let (tx, created, records) = self.add_users_open(principal, input, enabled, meta).await?;
        commit_all(tx, &records).await?;
        Ok(created)
    }

    /// Checks, validates and writes the users in a write transaction, and hands it back
    /// open with the audit records to commit (so a caller may read what was written).
    pub(super) async fn add_users_open(
        &self,
        principal: &Principal,
        input: &AddUsersInput,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<(Tx, Vec<String>, Vec<AuditRecord>)> {
        let permit = self
            .authorize(principal, Permission::UsersInvite, meta)
            .await?;
        if !enabled {
            self.authorize(principal, Permission::UsersManage, meta)
                .await?;
        }
        let new = validate(principal, input)?;
        if !new.groups.is_empty() {
            self.authorize(principal, Permission::GroupsManage, meta)
                .await?;
        }
        let mut tx = self.db().write(&permit).await?;
        let room = self.check_room(&mut tx, &new).await;
        let (mut tx, groups) = tx.or_end(room).await?;
        let now = self.now();
        let account_name = self.account_name(&mut tx).await?;
        // SAML: enforced, only Master admins get a password invitation; on, the form may
        // ask for none (docs/rules/saml.md#adding-users).
        let (saml_on, enforced) = Self::saml_state(&mut tx).await?;
        let sso_invitation =
            (enforced && new.role != Role::MasterAdmin) || (saml_on && input.sso_invitation_only);
        let mut created = Vec::new();
        let mut records = Vec::new();
        for ((_, email), name) in new.emails.iter().zip(&new.names) {
            let user = NewOne {
                email,
                name: name.as_deref(),
                enabled,
                account_name: &account_name,
                groups: &groups,
                sso_invitation,
            };
            let (id, mut written) = self
                .write_new_user(&mut tx, principal, &new, &user, meta, now)
                .await?;
            created.push(id);
            records.append(&mut written);
        }
        if self.seats(&mut tx).await?.used_up() {
            self.tell_seat_limit(&mut tx, &account_name, now).await?;
        }
        Ok((tx, created, records))
    }

    /// The last seat was just taken: those who may change the plan hear of it.
    async fn tell_seat_limit(&self, tx: &mut Tx, account: &str, now: i64) -> ServiceResult<()> {
        let seats = self.seats(tx).await?;
        let roles: Vec<String> = Role::ALL
            .into_iter()
            .filter(|r| r.has(Permission::PlanManage))
            .map(|r| super::authz::role_id(r, "account"))
            .collect();
        let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
        let message = emails::seat_limit(account, seats.used, seats.limit, &self.link("/billing"));
        for holder in tx.active_users_with_roles(&roles).await? {
            emails::send_to_user(tx, &holder, &message, now).await?;
        }
        Ok(())
    }

    /// What the writing transaction must find true: the environments and groups exist, no
    /// email is taken (each taken one named), and there are seats for everyone. Returns the
    /// groups to join.
    async fn check_room(&self, tx: &mut Tx, new: &NewUsers) -> ServiceResult<Vec<GroupRow>> {
        if let Some(refusal) = unknown_environment(tx, &new.access).await? {
            return Err(refusal);
        }
        let mut groups = Vec::new();
        for id in &new.groups {
            match tx.group(id).await? {
                Some(g) => groups.push(g),
                None => {
                    let reason = Refusal::GroupNotFound { id: id.clone() };
                    return Err(ServiceError::refused_field("groups", reason));
                }
            }
        }
        let mut taken = FieldErrors::new();
        for (i, email) in &new.emails {
            if tx.live_user_by_email(&email.normalized()).await?.is_some() {
                taken.refuse(&format!("emails[{i}]"), Refusal::EmailTaken);
            }
        }
        if !taken.is_empty() {
            return Err(ServiceError::Invalid(taken));
        }
        let Seats { used, limit, .. } = self.seats(tx).await?;
        if used + new.emails.len() as i64 > limit {
            return Err(Refusal::SeatLimit {
                free: (limit - used).max(0),
                limit,
            }
            .into());
        }
        Ok(groups)
    }

    /// One new user: the row, their role and access, the invitation (or, added
    /// disabled, none), and the audit records of what was done.
    async fn write_new_user(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        new: &NewUsers,
        one: &NewOne<'_>,
        meta: &RequestMeta,
        now: i64,
    ) -> ServiceResult<(String, Vec<AuditRecord>)> {
        let user_id = random_hex(self.inner.entropy.as_ref(), 16);
        let email = one.email;
        tx.insert_user(&NewUser {
            name: one.name,
            media_library: new.options,
            id: &user_id,
            account_id: &principal.account_id,
            email: email.as_str(),
            email_normalized: &email.normalized(),
            status: UserStatus::Pending.as_str(),
            root: false,
            password_hash: None,
            now,
        })
        .await?;
        self.write_access(tx, &user_id, new.role, &new.access, now)
            .await?;
        for g in one.groups {
            tx.add_group_member(&g.id, &user_id, now).await?;
        }
        if one.enabled {
            let message = if one.sso_invitation {
                emails::sso_invitation(
                    one.account_name,
                    &principal.email,
                    new.role,
                    &self.link("/login"),
                )
            } else {
                let link = self
                    .new_link(tx, &user_id, LinkPurpose::Invitation, now)
                    .await?;
                emails::invitation(one.account_name, &principal.email, new.role, &link)
            };
            emails::enqueue(
                tx,
                &principal.account_id,
                Some(&user_id),
                email.as_str(),
                &message,
                now,
            )
            .await?;
        }
        let mut records =
            vec![AuditRecord::new("user.create", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("user", &user_id, email.as_str()))
            .change(
                None,
                Some(json!({
                    "email": email.as_str(), "role": new.role.api_str(), "status": "pending",
                    "invitation": if one.sso_invitation { "sso" } else { "password" },
                    "media_library": new.options,
                    "environments": super::user_lifecycle::access_json(&new.access),
                    "groups": one.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
                })),
            )];
        if !one.enabled {
            let user = tx.user(&user_id).await?.ok_or_else(|| {
                ServiceError::from(Refusal::UserNotFound {
                    id: user_id.clone(),
                })
            })?;
            records.push(
                self.write_disable(tx, &user, UserStatus::Pending, principal, meta, now)
                    .await?,
            );
        }
        Ok((user_id, records))
    }
}

/// One row of the form, as written.
struct NewOne<'a> {
    email: &'a Email,
    name: Option<&'a str>,
    enabled: bool,
    account_name: &'a str,
    groups: &'a [GroupRow],
    /// An SSO invitation (no password link) instead of the usual one.
    sso_invitation: bool,
}

/// Commits a transaction with its records (one at least: a write always has one).
pub(super) async fn commit_all(tx: Tx, records: &[AuditRecord]) -> ServiceResult<()> {
    match records.split_first() {
        Some((first, rest)) => tx.commit_many(first, rest).await?,
        None => tx.finish().await?,
    }
    Ok(())
}
