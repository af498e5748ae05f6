//! Audit records written by the service. The records themselves are domain data
//! (`crate::domain::audit`); here is what needs the store's rows.

use crate::domain::audit::{Actor, AuditRecord, RequestMeta};

/// An action a user takes on their own behalf (signing in, accepting an invitation).
pub(super) fn by_user(
    action: &str,
    user: &crate::store::UserRow,
    at: i64,
    request: &RequestMeta,
) -> AuditRecord {
    let actor = Actor::User {
        id: user.id.clone(),
        email: user.email.clone(),
    };
    AuditRecord::new(action, actor, at, Some(request)).account(&user.account_id)
}
