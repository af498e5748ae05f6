//! Importing users from a CSV file (docs/rules/users.md#import): each row planned against the
//! account — created (Add users), updated (Edit, and the groups it names joined), skipped when
//! nothing differs, or an error with its reason — then, unless previewing, applied in its own
//! write transaction, so a row that fails changes nothing.

use super::user_update::UserPatch;
use super::users::access_choice;
use super::{
    AddUsersInput, AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError,
    ServiceResult,
};
use crate::domain::group;
use crate::domain::user_import::{list, role_named, ImportOutcome, ImportResult, ImportRow};
use crate::domain::{Email, EnvironmentAccess, MediaLibraryOptions, Permission, Role, UserSummary};
use crate::store::Tx;
use serde_json::json;

/// What every row is read against: the account's product environments (id, cloud name) and
/// user groups (id, normalized name, name), and the seats left for the preview to count down.
#[derive(Debug, Clone)]
pub struct ImportContext {
    environments: Vec<(String, String)>,
    groups: Vec<(String, String, String)>,
    may_join_groups: bool,
    seats_left: i64,
    seat_limit: i64,
}

/// A row's plan.
enum Plan {
    Create(AddUsersInput),
    Update {
        id: String,
        patch: UserPatch,
        groups: Vec<(String, String)>,
        detail: String,
    },
    Skip(String),
    Error(String),
}

/// A refusal or bad input as the report says it.
pub fn import_words(e: &ServiceError) -> String {
    match e {
        ServiceError::Invalid(fields) => fields
            .0
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        ServiceError::Refused(r) => r.to_string(),
        ServiceError::Internal(_) => "Something went wrong: try this row again".to_string(),
    }
}

fn result(row: &ImportRow, outcome: ImportOutcome, detail: impl Into<String>) -> ImportResult {
    ImportResult {
        line: row.line,
        email: row.email.clone(),
        outcome,
        detail: detail.into(),
    }
}

impl ImportContext {
    fn access(&self, cell: &str) -> Result<Option<EnvironmentAccess>, String> {
        let wanted = list(cell);
        if wanted.is_empty() {
            return Ok(None);
        }
        if wanted.len() == 1 && wanted[0].eq_ignore_ascii_case("all") {
            return Ok(Some(EnvironmentAccess::All));
        }
        let mut ids: Vec<String> = Vec::new();
        for w in &wanted {
            let found = self
                .environments
                .iter()
                .find(|(id, cloud)| id == w || cloud.eq_ignore_ascii_case(w));
            match found {
                Some((id, _)) if !ids.contains(id) => ids.push(id.clone()),
                Some(_) => {}
                None => return Err(format!("Unknown product environment \"{w}\"")),
            }
        }
        Ok(Some(EnvironmentAccess::Only(ids)))
    }

    /// The groups a cell names: (id, name) each.
    fn groups(&self, cell: &str) -> Result<Vec<(String, String)>, String> {
        let mut out: Vec<(String, String)> = Vec::new();
        for name in list(cell) {
            let key = group::normalized(&name);
            match self.groups.iter().find(|(_, n, _)| *n == key) {
                Some((id, _, shown)) if !out.iter().any(|(i, _)| i == id) => {
                    out.push((id.clone(), shown.clone()))
                }
                Some(_) => {}
                None => return Err(format!("Unknown user group \"{name}\"")),
            }
        }
        if !out.is_empty() && !self.may_join_groups {
            return Err("Your role can't add users to groups".to_string());
        }
        Ok(out)
    }
}

impl Service {
    /// The operator at the command line, acting as a Master admin of the account (the only
    /// one when `account_id` is `None`).
    pub async fn operator_principal(&self, account_id: Option<&str>) -> ServiceResult<Principal> {
        let account_id = self.operator_account(account_id).await?;
        Ok(Principal {
            kind: super::authz::PrincipalKind::Operator,
            user_id: "operator".to_string(),
            account_id,
            email: "the operator".to_string(),
            role: Role::MasterAdmin,
            environments: EnvironmentAccess::All,
            session_token_hash: String::new(),
            reauthenticated_at: None,
            active_environment_id: None,
            must_enrol_two_factor: false,
        })
    }

    /// What an import needs to read its rows (`users.invite`).
    pub async fn import_context(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<ImportContext> {
        let permit = self
            .authorize(principal, Permission::UsersInvite, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let environments = tx
            .environments()
            .await?
            .into_iter()
            .map(|e| (e.id, e.cloud_name))
            .collect();
        let groups = tx
            .groups()
            .await?
            .into_iter()
            .map(|g| (g.id, group::normalized(&g.name), g.name))
            .collect();
        let seats = self.seats(&mut tx).await;
        let (tx, seats) = tx.or_end(seats).await?;
        tx.finish().await?;
        Ok(ImportContext {
            environments,
            groups,
            may_join_groups: principal.role().has(Permission::GroupsManage),
            seats_left: seats.limit - seats.used,
            seat_limit: seats.limit,
        })
    }

    /// What importing `row` would do, nothing changed; a create counts a seat down.
    pub async fn preview_import_row(
        &self,
        principal: &Principal,
        ctx: &mut ImportContext,
        row: &ImportRow,
        repeated: Option<usize>,
        meta: &RequestMeta,
    ) -> ImportResult {
        match self.plan_row(principal, ctx, row, repeated, meta).await {
            Ok(Plan::Create(_)) if ctx.seats_left <= 0 => {
                let full = crate::domain::Refusal::SeatLimit {
                    free: 0,
                    limit: ctx.seat_limit,
                };
                result(row, ImportOutcome::Error, full.to_string())
            }
            Ok(Plan::Create(_)) => {
                ctx.seats_left -= 1;
                result(row, ImportOutcome::Created, "Invited")
            }
            Ok(Plan::Update { detail, .. }) => result(row, ImportOutcome::Updated, detail),
            Ok(Plan::Skip(why)) => result(row, ImportOutcome::Skipped, why),
            Ok(Plan::Error(why)) => result(row, ImportOutcome::Error, why),
            Err(e) => result(row, ImportOutcome::Error, import_words(&e)),
        }
    }

    /// Imports `row`: all of it in one write transaction, or nothing and the reason.
    pub async fn import_row(
        &self,
        principal: &Principal,
        ctx: &ImportContext,
        row: &ImportRow,
        repeated: Option<usize>,
        meta: &RequestMeta,
    ) -> ImportResult {
        let applied = match self.plan_row(principal, ctx, row, repeated, meta).await {
            Ok(Plan::Create(input)) => self
                .add_users(principal, &input, meta)
                .await
                .map(|_| (ImportOutcome::Created, "Invited".to_string())),
            Ok(Plan::Update {
                id,
                patch,
                groups,
                detail,
            }) => self
                .apply_import_update(principal, &id, &patch, &groups, meta)
                .await
                .map(|()| (ImportOutcome::Updated, detail)),
            Ok(Plan::Skip(why)) => Ok((ImportOutcome::Skipped, why)),
            Ok(Plan::Error(why)) => Ok((ImportOutcome::Error, why)),
            Err(e) => Err(e),
        };
        match applied {
            Ok((outcome, detail)) => result(row, outcome, detail),
            Err(e) => result(row, ImportOutcome::Error, import_words(&e)),
        }
    }

    async fn plan_row(
        &self,
        principal: &Principal,
        ctx: &ImportContext,
        row: &ImportRow,
        repeated: Option<usize>,
        meta: &RequestMeta,
    ) -> ServiceResult<Plan> {
        if let Some(first) = repeated {
            return Ok(Plan::Error(format!("The same email as row {first}")));
        }
        let email = match Email::parse(&row.email) {
            Ok(e) => e,
            Err(why) => return Ok(Plan::Error(why)),
        };
        let role = match row.role.trim() {
            "" => None,
            r => match role_named(r) {
                Some(role) => Some(role),
                None => return Ok(Plan::Error(format!("Unknown role \"{r}\""))),
            },
        };
        let (access, groups) = match (ctx.access(&row.environments), ctx.groups(&row.groups)) {
            (Ok(a), Ok(g)) => (a, g),
            (Err(why), _) | (_, Err(why)) => return Ok(Plan::Error(why)),
        };
        let permit = self
            .authorize(principal, Permission::UsersView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let found = tx.live_user_by_email(&email.normalized()).await?;
        let member_of: Vec<String> = match &found {
            Some(u) if u.account_id == principal.account_id => tx
                .groups_of_user(&u.id)
                .await?
                .into_iter()
                .map(|g| g.id)
                .collect(),
            _ => Vec::new(),
        };
        tx.finish().await?;
        let Some(found) = found else {
            let (all_environments, environment_ids) =
                access_choice(&access.unwrap_or(EnvironmentAccess::All));
            return Ok(Plan::Create(AddUsersInput {
                emails: vec![email.as_str().to_string()],
                names: vec![row.name.clone()],
                role: role.unwrap_or(Role::MediaLibraryUser).api_str().to_string(),
                all_environments,
                environment_ids,
                group_ids: groups.into_iter().map(|(id, _)| id).collect(),
                media_library: MediaLibraryOptions::default(),
                sso_invitation_only: false,
            }));
        };
        if found.account_id != principal.account_id {
            return Ok(Plan::Error(crate::domain::Refusal::EmailTaken.to_string()));
        }
        let (user, _) = self.user(principal, &found.id, meta).await?;
        Ok(update_plan(&user, &member_of, row, role, access, groups))
    }

    /// An update's edit and its group joins, in one write transaction.
    async fn apply_import_update(
        &self,
        principal: &Principal,
        id: &str,
        patch: &UserPatch,
        groups: &[(String, String)],
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let changed = self.change_user(principal, id, patch, meta).await?;
        let (mut tx, mut records) = (changed.tx, changed.records);
        let joined = self.join_groups(&mut tx, principal, id, groups, meta).await;
        let (tx, joined) = tx.or_end(joined).await?;
        records.extend(joined);
        super::user_add::commit_all(tx, &records).await
    }

    /// Adds `user_id` to each group in `tx` (one already in it stays), each join recorded.
    async fn join_groups(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        user_id: &str,
        groups: &[(String, String)],
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<AuditRecord>> {
        let now = self.now();
        let mut records = Vec::new();
        for (id, _) in groups {
            let Some(group) = tx.group(id).await? else {
                return Err(crate::domain::Refusal::GroupNotFound { id: id.clone() }.into());
            };
            let Some(user) = tx.account_user(user_id).await? else {
                return Err(crate::domain::Refusal::UserNotFound { id: user_id.into() }.into());
            };
            if tx.add_group_member(&group.id, user_id, now).await? {
                tx.touch_group(&group.id, now).await?;
                records.push(
                    AuditRecord::new("group.members.add", principal.actor(), now, Some(meta))
                        .account(&principal.account_id)
                        .target(AuditTarget::new("group", &group.id, &group.name))
                        .change(None, Some(json!({ "users": [{ "id": user.user.id, "email": user.user.email }] }))),
                );
            }
        }
        Ok(records)
    }
}

/// What a row changes of an existing user: the name and role and environments it gives (an
/// empty cell leaves them), and the groups it names that they aren't in.
fn update_plan(
    user: &UserSummary,
    member_of: &[String],
    row: &ImportRow,
    role: Option<Role>,
    access: Option<EnvironmentAccess>,
    groups: Vec<(String, String)>,
) -> Plan {
    let mut changes: Vec<String> = Vec::new();
    let name =
        (!row.name.is_empty() && user.name.as_deref() != Some(row.name.as_str())).then(|| {
            changes.push(format!("name: {}", row.name));
            row.name.clone()
        });
    let role = role.filter(|r| *r != user.role).inspect(|r| {
        changes.push(format!(
            "role: {} → {}",
            user.role.console_name(),
            r.console_name()
        ));
    });
    let access = access.filter(|a| *a != user.environments).inspect(|a| {
        changes.push(format!(
            "product environments: {} → {}",
            user.environments.label(),
            a.label()
        ));
    });
    let joins: Vec<(String, String)> = groups
        .into_iter()
        .filter(|(id, _)| !member_of.contains(id))
        .collect();
    for (_, name) in &joins {
        changes.push(format!("joins {name}"));
    }
    if changes.is_empty() {
        return Plan::Skip("Already as the file says".to_string());
    }
    if user.role == Role::MasterAdmin && (role.is_some() || access.is_some()) {
        return Plan::Error(
            "A Master admin's role and environments are changed on their own page".to_string(),
        );
    }
    let patch = UserPatch {
        name,
        role: role.map(|r| r.api_str().to_string()),
        access: access.as_ref().map(access_choice),
        ..UserPatch::default()
    };
    Plan::Update {
        id: user.id.clone(),
        patch,
        groups: joins,
        detail: changes.join("; "),
    }
}
