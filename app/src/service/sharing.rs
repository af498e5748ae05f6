//! Sharing folders and collections with users and groups
//! (docs/rules/sharing.md#folders-collections-and-sharing,
//! docs/rules/sharing.md#folders-collections-and-sharing), and the explainer: a user's effective
//! level on an item and the chain that grants it.

use super::authz::{account_role_of, role_and_access};
use super::crypto::random_hex;
use super::media_library::path_of;
use super::media_library::Access;
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::environment;
use crate::domain::sharing::{
    self, parse_grantee, Candidate, Explanation, Grant, GranteeKind, ItemKind, Level, Reason,
    Shares, Source,
};
use crate::domain::Refusal;
use crate::domain::{Permission, UserStatus};
use crate::store::{EnvironmentRow, ShareRow, Tx};
use serde_json::json;

/// How many users the share dialog offers.
/// How many users, and how many groups, the share dialog offers per search.
const CANDIDATE_LIMIT: usize = 50;

/// One item being shared: the scopes that reach it (itself first, then ancestors),
/// their paths, and the viewer's level there.
struct Item {
    kind: ItemKind,
    id: String,
    path: String,
    /// `(scope, path)` of the item and each ancestor folder.
    reach: Vec<(String, String)>,
    level: Option<Level>,
}

impl Item {
    fn scope(&self) -> &str {
        &self.reach[0].0
    }

    fn path_of_scope(&self, scope: &str) -> String {
        self.reach
            .iter()
            .find(|(s, _)| s == scope)
            .map_or_else(String::new, |(_, p)| p.clone())
    }
}

/// Another user's role (the least, Media Library user, if none is stored) and access.
async fn role_and_access_of(
    tx: &mut Tx,
    user_id: &str,
) -> ServiceResult<(crate::domain::Role, crate::domain::EnvironmentAccess)> {
    let (role, access) = role_and_access(&tx.role_assignments_of("user", user_id).await?);
    Ok((
        role.unwrap_or(crate::domain::Role::MediaLibraryUser),
        access,
    ))
}

fn grant_of(item: &Item, row: &ShareRow) -> Option<Grant> {
    Some(Grant {
        grantee_kind: GranteeKind::parse(&row.principal_type)?,
        grantee_id: row.principal_id.clone(),
        grantee_label: row.label.clone(),
        level: Level::from_role_id(&row.role_id, item.kind)?,
        on_id: row
            .scope
            .rsplit_once('/')
            .map_or("", |(_, id)| id)
            .to_string(),
        on_path: item.path_of_scope(&row.scope),
        inherited: row.scope != item.scope(),
    })
}

impl Service {
    /// The item as the viewer sees it ("not found" when they may not see it).
    async fn share_item(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        kind: ItemKind,
        id: &str,
    ) -> ServiceResult<Item> {
        match kind {
            ItemKind::Folder => {
                let seen = self.seen_folder(tx, principal, env, id).await?;
                let reach = (0..seen.chain.len())
                    .map(|i| {
                        (
                            ItemKind::Folder.scope(&env.id, &seen.chain[i].id),
                            path_of(&seen.chain[i..]),
                        )
                    })
                    .collect();
                Ok(Item {
                    kind,
                    id: seen.row().id.clone(),
                    path: path_of(&seen.chain),
                    reach,
                    level: seen.level,
                })
            }
            ItemKind::Collection => {
                let (row, level) = self.seen_collection(tx, principal, env, id).await?;
                Ok(Item {
                    kind,
                    reach: vec![(
                        ItemKind::Collection.scope(&env.id, &row.id),
                        row.name.clone(),
                    )],
                    id: row.id,
                    path: row.name,
                    level: Some(level),
                })
            }
        }
    }

    /// The item a manager shares, refused below *can manage*.
    async fn managed_item(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: &EnvironmentRow,
        kind: ItemKind,
        id: &str,
    ) -> ServiceResult<Item> {
        let item = self.share_item(tx, principal, env, kind, id).await?;
        if item.level < Some(Level::Manage) {
            return Err(ServiceError::from(Refusal::SharingNeedsManage {
                path: item.path.clone(),
            }));
        }
        Ok(item)
    }

    /// The share dialog: every share reaching the item (inherited ones marked with the
    /// folder they come from) and whom it can be shared with — the groups and users whose
    /// name (or email) contains `search`, at most [`CANDIDATE_LIMIT`] of each.
    pub async fn shares(
        &self,
        principal: &Principal,
        environment_id: &str,
        kind: ItemKind,
        id: &str,
        search: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Shares> {
        let (mut tx, (env, item)) = self
            .in_media(
                principal,
                environment_id,
                Access::Read,
                meta,
                async |tx, env| {
                    let item = self.managed_item(tx, principal, &env, kind, id).await?;
                    Ok((env, item))
                },
            )
            .await?;
        let scopes: Vec<String> = item.reach.iter().map(|(s, _)| s.clone()).collect();
        let rows = tx.shares_on(&scopes, None).await?;
        let needle = search.trim().to_lowercase();
        let groups: Vec<_> = tx
            .groups()
            .await?
            .into_iter()
            .filter(|g| g.name.to_lowercase().contains(&needle))
            .collect();
        let users = tx
            .share_candidates(&env.id, &needle, CANDIDATE_LIMIT as i64 + 1)
            .await?;
        let more_candidates = groups.len() > CANDIDATE_LIMIT || users.len() > CANDIDATE_LIMIT;
        let mut candidates: Vec<Candidate> = groups
            .into_iter()
            .take(CANDIDATE_LIMIT)
            .map(|g| Candidate {
                kind: GranteeKind::Group,
                id: g.id,
                label: g.name,
                through_role: false,
            })
            .collect();
        // Who holds which role is for those who see the whole library; a Media Library
        // user learns names and emails only (docs/rules/sharing.md).
        let reveal_roles = principal.sees_all();
        for u in users.into_iter().take(CANDIDATE_LIMIT) {
            let role = u.role_id.as_deref().and_then(account_role_of);
            candidates.push(Candidate {
                kind: GranteeKind::User,
                id: u.id,
                label: u.label,
                through_role: reveal_roles
                    && role.is_some_and(|r| r.has(Permission::MediaLibraryAllFolders)),
            });
        }
        tx.finish().await?;
        let mut grants: Vec<Grant> = rows.iter().filter_map(|r| grant_of(&item, r)).collect();
        grants.sort_by_key(|g| g.inherited);
        Ok(Shares {
            kind,
            item_id: item.id.clone(),
            item_path: item.path.clone(),
            grants,
            candidates,
            more_candidates,
            may_grant_up_to: item.level.unwrap_or(Level::View),
        })
    }

    /// Shares the item with users and/or groups at a level (replacing a level they held
    /// on it). Needs *can manage* there and never grants above the sharer's own level.
    /// Inactive or disabled users, users without access to the environment, unknown
    /// users or groups: refused, nothing shared. (The share form's fields, one by one.)
    #[allow(clippy::too_many_arguments)]
    pub async fn share(
        &self,
        principal: &Principal,
        environment_id: &str,
        kind: ItemKind,
        id: &str,
        grantees: &[String],
        level: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Shares> {
        let level = Level::parse(level).map_err(|m| ServiceError::invalid("level", m))?;
        let parsed: Vec<(GranteeKind, String)> = grantees
            .iter()
            .filter(|g| !g.trim().is_empty())
            .map(|g| parse_grantee(g))
            .collect::<Result<_, _>>()
            .map_err(|m| ServiceError::invalid("grantees", m))?;
        if parsed.is_empty() {
            return Err(ServiceError::invalid(
                "grantees",
                "Choose at least one user or group",
            ));
        }
        let now = self.now();
        let (mut tx, (env, item, labels)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let item = self.managed_item(tx, principal, &env, kind, id).await?;
                    if Some(level) > item.level {
                        return Err(ServiceError::from(Refusal::ShareAboveYourLevel {
                            level: item.level,
                        }));
                    }
                    let mut labels = Vec::new();
                    for (gk, gid) in &parsed {
                        labels.push(self.check_grantee(tx, &env, *gk, gid).await?);
                    }
                    Ok((env, item, labels))
                },
            )
            .await?;
        let role_id = level.role_id(kind);
        for (gk, gid) in &parsed {
            let grant_id = random_hex(self.inner.entropy.as_ref(), 16);
            tx.put_share(
                &grant_id,
                gk.as_str(),
                gid,
                &role_id,
                item.scope(),
                &principal.user_id,
                now,
            )
            .await?;
        }
        let record = AuditRecord::new("share.grant", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new(kind.as_str(), &item.id, &item.path))
            .change(None, Some(json!({ "environment": env.cloud_name, "level": level.as_str(), "with": labels })));
        tx.commit(&record).await?;
        self.shares(principal, environment_id, kind, &item.id, "", meta)
            .await
    }

    /// A grantee who may be shared with; returns how the audit names them.
    async fn check_grantee(
        &self,
        tx: &mut Tx,
        env: &EnvironmentRow,
        kind: GranteeKind,
        id: &str,
    ) -> ServiceResult<String> {
        match kind {
            GranteeKind::Group => tx
                .group(id)
                .await?
                .map(|g| format!("group {}", g.name))
                .ok_or_else(|| ServiceError::from(Refusal::GroupNotFound { id: id.to_string() })),
            GranteeKind::User => {
                let user = tx.account_user(id).await?.ok_or_else(|| {
                    ServiceError::from(Refusal::UserNotFound { id: id.to_string() })
                })?;
                let who = user
                    .user
                    .name
                    .clone()
                    .unwrap_or_else(|| user.user.email.clone());
                let status = UserStatus::parse(&user.user.status);
                if status == Some(UserStatus::Inactive) || !user.user.enabled {
                    let state = if status == Some(UserStatus::Inactive) {
                        "inactive"
                    } else {
                        "disabled"
                    };
                    return Err(ServiceError::invalid(
                        "grantees",
                        format!("{who} is {state}: nothing can be shared with them"),
                    ));
                }
                let (role, access) = role_and_access_of(tx, id).await?;
                if !environment::reaches(role, &access, &env.id, env.enabled) {
                    return Err(ServiceError::invalid(
                        "grantees",
                        format!("{who} has no access to {}", env.name),
                    ));
                }
                Ok(user.user.email)
            }
        }
    }

    /// Revokes a share made on this item. Inherited shares are revoked where they were
    /// made: the error names the folder.
    pub async fn revoke_share(
        &self,
        principal: &Principal,
        environment_id: &str,
        kind: ItemKind,
        id: &str,
        grantee: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Shares> {
        let (gk, gid) = parse_grantee(grantee).map_err(|m| ServiceError::invalid("grantee", m))?;
        let now = self.now();
        let (mut tx, (env, item)) = self
            .in_media(
                principal,
                environment_id,
                Access::Write,
                meta,
                async |tx, env| {
                    let item = self.managed_item(tx, principal, &env, kind, id).await?;
                    Ok((env, item))
                },
            )
            .await?;
        if !tx.delete_share(gk.as_str(), &gid, item.scope()).await? {
            let scopes: Vec<String> = item.reach.iter().map(|(s, _)| s.clone()).collect();
            let from = tx
                .shares_on(&scopes, None)
                .await?
                .into_iter()
                .find(|r| r.principal_type == gk.as_str() && r.principal_id == gid)
                .map(|r| item.path_of_scope(&r.scope));
            tx.finish().await?;
            return Err(match from {
                Some(path) => ServiceError::invalid(
                    "grantee",
                    format!("This share is inherited from {path}: revoke it there"),
                ),
                None => ServiceError::from(Refusal::NoShareHere),
            });
        }
        let record = AuditRecord::new("share.revoke", principal.actor(), now, Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new(kind.as_str(), &item.id, &item.path))
            .change(
                Some(json!({ "environment": env.cloud_name, "grantee": grantee })),
                None,
            );
        tx.commit(&record).await?;
        self.shares(principal, environment_id, kind, &item.id, "", meta)
            .await
    }

    /// Why a user can (or can't) see an item: their effective level and every share or
    /// role behind it. Anyone may ask about themselves; roles that manage every folder
    /// may ask about anyone.
    pub async fn explain_access(
        &self,
        principal: &Principal,
        environment_id: &str,
        kind: ItemKind,
        id: &str,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<Explanation> {
        let user_id = user_id.trim();
        if user_id != principal.user_id && !principal.sees_all() {
            return Err(ServiceError::from(Refusal::ExplainOnlyYourself));
        }
        self.read_media(principal, environment_id, meta, async |tx, env| {
            self.explain_in(tx, principal, env, kind, id, user_id).await
        })
        .await
    }

    async fn explain_in(
        &self,
        tx: &mut Tx,
        principal: &Principal,
        env: EnvironmentRow,
        kind: ItemKind,
        id: &str,
        user_id: &str,
    ) -> ServiceResult<Explanation> {
        let item = self.share_item(tx, principal, &env, kind, id).await?;
        let user = tx.account_user(user_id).await?.ok_or_else(|| {
            ServiceError::from(Refusal::UserNotFound {
                id: user_id.to_string(),
            })
        })?;
        let (role, access) = role_and_access_of(tx, user_id).await?;
        let status = UserStatus::parse(&user.user.status);
        let none_because = if status == Some(UserStatus::Inactive) {
            Some("Inactive users have no access".to_string())
        } else if !user.user.enabled {
            Some("Disabled users have no access".to_string())
        } else if !role.has(Permission::MediaLibraryAccess) {
            Some(format!(
                "Their role ({}) doesn't include the Media Library",
                role.console_name()
            ))
        } else if !environment::reaches(role, &access, &env.id, env.enabled) {
            Some(format!("They have no access to {}", env.name))
        } else {
            None
        };
        let mut reasons = Vec::new();
        if role.has(Permission::MediaLibraryAllFolders) {
            reasons.push(Reason {
                source: Source::Role {
                    role: role.console_name().to_string(),
                },
                level: Level::Manage,
                inherited_from: None,
                decides: false,
            });
        }
        let reach: Vec<String> = item.reach.iter().map(|(s, _)| s.clone()).collect();
        for row in tx.shares_on(&reach, Some(user_id)).await? {
            let Some(grant) = grant_of(&item, &row) else {
                continue;
            };
            let source = match grant.grantee_kind {
                GranteeKind::User => Source::Direct,
                GranteeKind::Group => Source::Group {
                    id: grant.grantee_id.clone(),
                    name: grant.grantee_label.clone(),
                },
            };
            reasons.push(Reason {
                source,
                level: grant.level,
                inherited_from: grant.inherited.then(|| grant.on_path.clone()),
                decides: false,
            });
        }
        let (level, reasons) = sharing::decide(reasons, none_because.is_none());
        let none_because = none_because.or_else(|| {
            level
                .is_none()
                .then(|| "Nothing here is shared with them or their groups".to_string())
        });
        Ok(Explanation {
            user_id: user.user.id.clone(),
            user_label: user.user.name.clone().unwrap_or(user.user.email.clone()),
            kind,
            item_id: item.id,
            item_path: item.path,
            level,
            reasons,
            none_because,
        })
    }
}
