//! The Provisioning API's user groups (docs/rules/provisioning-api.md): one service call
//! and one transaction per request, answered with the group's record read in it.

use super::provisioning::api_group;
use super::{Principal, RequestMeta, Service, ServiceResult};
use crate::domain::provisioning::{GroupRef, UserGroup};
use crate::domain::{Permission, Refusal};

/// `GET /user_groups/{id}`: the group, or — as an SDK release asked for a user's groups at
/// this path — the groups of the user with that id.
#[derive(Debug)]
pub enum GroupLookup {
    Group(UserGroup),
    GroupsOfUser(Vec<GroupRef>),
}

impl Service {
    /// `POST /user_groups`: Create, answered with the group's record.
    pub async fn api_create_group(
        &self,
        principal: &Principal,
        name: &str,
        extended: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<UserGroup> {
        let (mut tx, row, record) = self.create_group_open(principal, name, meta).await?;
        let answer = api_group(&mut tx, row, extended).await;
        let (tx, answer) = tx.or_end(answer).await?;
        tx.commit(&record).await?;
        Ok(answer)
    }

    /// `PUT /user_groups/{id}`: Rename when a name is given, answered with the record.
    pub async fn api_rename_group(
        &self,
        principal: &Principal,
        id: &str,
        name: Option<&str>,
        extended: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<UserGroup> {
        let Some(name) = name else {
            return self.api_group(principal, id, extended, meta).await;
        };
        let (mut tx, row, record) = self.rename_group_open(principal, id, name, meta).await?;
        let answer = api_group(&mut tx, row, extended).await;
        let (tx, answer) = tx.or_end(answer).await?;
        tx.commit(&record).await?;
        Ok(answer)
    }

    /// `GET /user_groups/{id}` (`groups.view`; a user's groups need `users.view` too).
    pub async fn api_group_lookup(
        &self,
        principal: &Principal,
        id: &str,
        extended: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<GroupLookup> {
        let permit = self
            .authorize(principal, Permission::GroupsView, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let found = match tx.group(id).await? {
            Some(row) => api_group(&mut tx, row, extended)
                .await
                .map(GroupLookup::Group),
            None if principal.role.has(Permission::UsersView)
                && tx.account_user(id).await?.is_some() =>
            {
                let groups = tx.groups_of_user(id).await?;
                Ok(GroupLookup::GroupsOfUser(
                    groups
                        .into_iter()
                        .map(|g| GroupRef {
                            id: g.id,
                            name: g.name,
                        })
                        .collect(),
                ))
            }
            None => Err(Refusal::GroupNotFound { id: id.into() }.into()),
        };
        tx.finish().await?;
        found
    }
}
