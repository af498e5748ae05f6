//! SCIM's reads of users (docs/rules/scim.md#users): one user, and lists by filter — a
//! filter is narrowed by an index range (else refused: it would read every user), then each
//! candidate is matched exactly — with `startIndex`/`count` paging.

use super::scim_tokens::ScimCaller;
use super::{Service, ServiceError, ServiceResult};
use crate::domain::format::iso;
use crate::domain::scim_eval::{index_keys, matches};
use crate::domain::scim_filter::parse;
use crate::domain::{EnvironmentAccess, Refusal};
use crate::store::{Permit, UserRow};
use serde_json::{json, Value};

/// Most users a filter may narrow to before it is refused as too broad.
pub const SCIM_MAX_CANDIDATES: i64 = 10_000;
/// Most resources a page holds (`count`).
pub const SCIM_MAX_COUNT: i64 = 200;

/// A page of a list: the resources and how many match in all.
#[derive(Debug, Clone)]
pub struct ScimPage {
    pub resources: Vec<Value>,
    pub total: i64,
    pub start_index: i64,
}

/// The user's email as SCIM shows it: with the `type` and `primary` the identity provider
/// sent, else as the console's one work email.
fn email_entry(u: &UserRow) -> Value {
    let mut entry = u
        .scim_email_attributes
        .as_deref()
        .and_then(|a| serde_json::from_str::<Value>(a).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({ "type": "work", "primary": true }));
    entry["value"] = json!(u.email);
    entry
}

impl Service {
    pub(super) fn scim_permit(caller: &ScimCaller) -> Permit {
        Permit::for_principal(&caller.account_id, &EnvironmentAccess::All)
    }

    /// One user as SCIM shows it; another account's or a deleted one is not found.
    pub async fn scim_user(&self, caller: &ScimCaller, id: &str) -> ServiceResult<Value> {
        let permit = Self::scim_permit(caller);
        let mut tx = self.db().read(&permit).await?;
        let row = tx.scim_user(id).await?;
        tx.finish().await?;
        let row =
            row.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.to_string() }))?;
        Ok(self.scim_user_resource(&row))
    }

    /// A page of the users `filter` matches (all of them without one), in creation order.
    pub async fn scim_users(
        &self,
        caller: &ScimCaller,
        filter: Option<&str>,
        start_index: i64,
        count: i64,
    ) -> ServiceResult<ScimPage> {
        let start_index = start_index.max(1);
        let count = count.clamp(0, SCIM_MAX_COUNT);
        let permit = Self::scim_permit(caller);
        let Some(text) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
            let mut tx = self.db().read(&permit).await?;
            let (rows, total) = tx.scim_user_page(start_index - 1, count).await?;
            tx.finish().await?;
            let resources = rows.iter().map(|r| self.scim_user_resource(r)).collect();
            return Ok(ScimPage {
                resources,
                total,
                start_index,
            });
        };
        let filter = parse(text).map_err(|e| ServiceError::invalid("filter", e.to_string()))?;
        let keys = index_keys(&filter).ok_or_else(|| {
            ServiceError::invalid(
                "filter",
                "This filter would read every user: filter by userName, emails, externalId or displayName with eq or sw (combine others with and)",
            )
        })?;
        let mut tx = self.db().read(&permit).await?;
        let mut rows = tx.scim_user_candidates(&keys, SCIM_MAX_CANDIDATES).await?;
        tx.finish().await?;
        if rows.len() as i64 > SCIM_MAX_CANDIDATES {
            return Err(ServiceError::invalid(
                "filter_too_broad",
                "The filter matches too many users: narrow it",
            ));
        }
        rows.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        let matching: Vec<Value> = rows
            .iter()
            .map(|r| self.scim_user_resource(r))
            .filter(|v| matches(&filter, v))
            .collect();
        let total = matching.len() as i64;
        let resources = matching
            .into_iter()
            .skip(usize::try_from(start_index - 1).unwrap_or(usize::MAX))
            .take(usize::try_from(count).unwrap_or(0))
            .collect();
        Ok(ScimPage {
            resources,
            total,
            start_index,
        })
    }

    /// A user as the SCIM core schema says it: unassigned attributes left out.
    pub fn scim_user_resource(&self, u: &UserRow) -> Value {
        let base = self.config().public_url.trim_end_matches('/').to_string();
        let active = u.enabled && u.status != "disabled" && u.status != "inactive";
        let mut name = serde_json::Map::new();
        for (k, v) in [
            ("formatted", &u.name_formatted),
            ("givenName", &u.first_name),
            ("familyName", &u.last_name),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                name.insert(k.into(), json!(v));
            }
        }
        let mut user = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": u.id,
            "userName": u.scim_user_name.as_deref().unwrap_or(&u.email),
            "emails": [email_entry(u)],
            "active": active,
            "meta": {
                "resourceType": "User",
                "created": iso(u.created_at),
                "lastModified": iso(u.updated_at),
                "location": format!("{base}/scim/v2/Users/{}", u.id),
            },
        });
        if let Some(external) = &u.external_id {
            user["externalId"] = json!(external);
        }
        if let Some(display) = u.name.as_deref().filter(|n| !n.is_empty()) {
            user["displayName"] = json!(display);
        }
        if !name.is_empty() {
            user["name"] = Value::Object(name);
        }
        super::scim_changes::versioned(user)
    }

    /// The live user `id` of the token's account.
    pub(super) async fn scim_current(
        &self,
        caller: &ScimCaller,
        id: &str,
    ) -> ServiceResult<UserRow> {
        let permit = Self::scim_permit(caller);
        let mut tx = self.db().read(&permit).await?;
        let row = tx.scim_user(id).await?;
        tx.finish().await?;
        row.ok_or_else(|| ServiceError::from(Refusal::UserNotFound { id: id.to_string() }))
    }
}
