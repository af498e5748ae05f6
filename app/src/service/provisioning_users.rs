//! The Provisioning API's writes of users (docs/rules/provisioning-api.md): each request is
//! one service call and one write transaction, whose answer — the API's record of the
//! user — is read in that transaction before it commits.

use super::provisioning::api_record;
use super::user_add::commit_all;
use super::user_lifecycle::{acting, load, Acted};
use super::user_update::UserPatch;
use super::{AddUsersInput, Principal, RequestMeta, Service, ServiceResult};
use crate::domain::provisioning::ApiUser;
use crate::domain::user_action::{self, Target};
use crate::domain::{UserAction, UserStatus};

impl Service {
    /// `POST /users`: one user, invited (or added disabled), answered with its record.
    pub async fn api_create_user(
        &self,
        principal: &Principal,
        input: &AddUsersInput,
        enabled: bool,
        meta: &RequestMeta,
    ) -> ServiceResult<ApiUser<'static>> {
        let (mut tx, created, records) =
            self.add_users_open(principal, input, enabled, meta).await?;
        let id = created.first().cloned().unwrap_or_default();
        let answer = api_record(&mut tx, &id).await;
        let (tx, answer) = tx.or_end(answer).await?;
        commit_all(tx, &records).await?;
        Ok(answer)
    }

    /// `PUT /users/{id}`: the patch merged, checked and written in one transaction (see
    /// [`Service::change_user`]), answered with the user's record as written.
    pub async fn patch_user(
        &self,
        principal: &Principal,
        user_id: &str,
        patch: &UserPatch,
        meta: &RequestMeta,
    ) -> ServiceResult<ApiUser<'static>> {
        let changed = self.change_user(principal, user_id, patch, meta).await?;
        let mut tx = changed.tx;
        let answer = api_record(&mut tx, user_id.trim()).await;
        let (tx, answer) = tx.or_end(answer).await?;
        commit_all(tx, &changed.records).await?;
        Ok(answer)
    }

    /// `DELETE /users/{id}`: the console's Delete (Inactive, sessions ended, seat freed);
    /// a user deleted already answers as deleted, in the same transaction as the check.
    pub async fn api_delete_user(
        &self,
        principal: &Principal,
        user_id: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, UserAction::Delete.permission(), meta)
            .await?;
        let mut tx = self.db().write(&permit).await?;
        let found = load(&mut tx, user_id).await;
        let (tx, (user, summary)) = tx.or_end(found).await?;
        if summary.status == UserStatus::Inactive {
            tx.finish().await?;
            return Ok(());
        }
        let target = Target::from(&summary);
        if let Err(why) = user_action::may_act(&acting(principal), &target, UserAction::Delete) {
            return Err(self
                .refuse(tx, principal, &summary, UserAction::Delete, why, meta)
                .await);
        }
        self.finish_delete(Acted { tx, user, summary }, principal, meta)
            .await
    }
}
