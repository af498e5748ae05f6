//! SCIM bearer tokens (docs/rules/scim.md#tokens): created by a Master admin or the operator,
//! shown once as `<id>.<secret>`, kept as the secret's SHA-256 and compared in constant time.

use super::api_keys::key_name;
use super::crypto::matches_hash;
use super::{Actor, AuditRecord, AuditTarget, Service, ServiceError, ServiceResult};
use crate::domain::Refusal;
use crate::store::Permit;
use serde_json::json;

/// Who a SCIM request is: the account its token is for, and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScimCaller {
    pub account_id: String,
    pub token_id: String,
    pub token_name: String,
}

impl ScimCaller {
    /// The principal the token acts as: an Admin over every environment.
    pub(super) fn principal(&self) -> super::Principal {
        super::Principal {
            kind: super::authz::PrincipalKind::ScimToken {
                id: self.token_id.clone(),
                name: self.token_name.clone(),
            },
            user_id: format!("scim:{}", self.token_id),
            account_id: self.account_id.clone(),
            email: format!("SCIM token {}", self.token_name),
            role: crate::domain::Role::Admin,
            environments: crate::domain::EnvironmentAccess::All,
            session_token_hash: String::new(),
            reauthenticated_at: None,
            active_environment_id: None,
            must_enrol_two_factor: false,
        }
    }
}

impl Service {
    /// `server scim-token create --name NAME`: a token for the account (the only one when
    /// `account_id` is `None`); returns the account and the token, shown this once.
    pub async fn create_scim_token_as_operator(
        &self,
        account_id: Option<&str>,
        name: &str,
    ) -> ServiceResult<(String, String)> {
        let name = key_name(name).map_err(|m| ServiceError::invalid("name", m))?;
        let account_id = self.operator_account(account_id).await?;
        let permit = Permit::for_operator();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&account_id)?;
        let made = self.insert_scim_token(&mut tx, &account_id, &name).await;
        let (tx, (row, bearer)) = tx.or_end(made).await?;
        let (id, now) = (row.id.clone(), row.created_at);
        let record = AuditRecord::new("scim_token.create", Actor::Operator, now, None)
            .account(&account_id)
            .target(AuditTarget::new("scim_token", &id, &name))
            .change(None, Some(json!({ "name": name })));
        tx.commit(&record).await?;
        Ok((account_id, bearer))
    }

    /// A SCIM request's bearer token: its id finds the row, its secret must match the kept
    /// hash (constant time). Any failure is `Unauthenticated`.
    pub async fn authenticate_scim(&self, bearer: &str) -> ServiceResult<ScimCaller> {
        let refused = || ServiceError::Refused(Refusal::Unauthenticated);
        let (id, secret) = bearer.trim().split_once('.').ok_or_else(refused)?;
        if id.len() != 16 || !id.bytes().all(|b| b.is_ascii_hexdigit()) || secret.is_empty() {
            return Err(refused());
        }
        let permit = Permit::for_key_check();
        let mut tx = self.db().read(&permit).await?;
        let row = tx.scim_token(id).await?;
        tx.finish().await?;
        let Some(row) = row.filter(|r| matches_hash(secret, &r.token_hash)) else {
            return Err(refused());
        };
        // Its last use, at most once a minute: most requests write nothing.
        let now = self.now();
        if row.last_used_at.is_none_or(|t| now - t >= 60) {
            let mut tx = self.db().write(&permit).await?;
            tx.touch_scim_token(&row.id, now).await?;
            tx.commit_bookkeeping(&permit).await?;
        }
        Ok(ScimCaller {
            account_id: row.account_id,
            token_id: row.id,
            token_name: row.name,
        })
    }
}
