//! *Transfer root* (docs/rules/users.md#transfer-root): the root user hands root to another
//! active Master admin, re-authenticated; both are told.

use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::{Permission, Refusal};
use serde_json::json;

impl Service {
    /// Who the root user may transfer root to: (id, email) of the other active Master admins.
    pub async fn root_candidates(
        &self,
        principal: &Principal,
        meta: &RequestMeta,
    ) -> ServiceResult<Vec<(String, String)>> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        let mut tx = self.db().read(&permit).await?;
        let me = tx.user(principal.user_id()).await?;
        if !me.is_some_and(|u| u.root) {
            tx.finish().await?;
            return Err(Refusal::NotRootUser.into());
        }
        let list = tx.root_candidates().await?;
        tx.finish().await?;
        Ok(list)
    }

    /// Makes `to` the root user (re-authenticated; `to` an active Master admin).
    pub async fn transfer_root(
        &self,
        principal: &Principal,
        to: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<()> {
        let permit = self
            .authorize(principal, Permission::ProfileManageOwn, meta)
            .await?;
        self.require_recent_reauthentication(principal)?;
        let now = self.now();
        let mut tx = self.db().write(&permit).await?;
        let me = tx.user(principal.user_id()).await?.filter(|u| u.root);
        let Some(me) = me else {
            tx.finish().await?;
            return Err(Refusal::NotRootUser.into());
        };
        let candidates = tx.root_candidates().await?;
        let target = match candidates.iter().find(|(id, _)| id == to.trim()) {
            Some(_) => tx.user(to.trim()).await?,
            None => None,
        };
        let Some(target) = target else {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                "user_id",
                "Choose another active Master admin",
            ));
        };
        if !tx.move_root(&me.id, &target.id, now).await? {
            tx.finish().await?;
            return Err(ServiceError::invalid(
                "user_id",
                "Choose another active Master admin",
            ));
        }
        let what_old = format!("You transferred root of the account to {}", target.email);
        self.notify(&mut tx, &me, &what_old, meta).await?;
        let what_new = format!("{} made you the root user of the account", me.email);
        self.notify(&mut tx, &target, &what_new, meta).await?;
        let record = AuditRecord::new("user.transfer_root", principal.actor(), now, Some(meta))
            .account(principal.account_id())
            .target(AuditTarget::new("user", &target.id, &target.email))
            .change(
                Some(json!({ "root": me.email })),
                Some(json!({ "root": target.email })),
            );
        tx.commit(&record).await?;
        Ok(())
    }
}
