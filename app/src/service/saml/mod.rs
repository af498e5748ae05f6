//! SAML single sign-on (docs/rules/saml.md): settings, signing in through the identity
//! provider, and just-in-time provisioning.

mod jit;
mod refresh;
mod settings;
mod sign_in;
mod xml;

pub use sign_in::SamlOutcome;

use crate::service::{Service, ServiceResult};
use crate::store::{Tx, UserRow};

impl Service {
    /// Whether SAML login is on for the transaction's account, and enforced.
    pub(in crate::service) async fn saml_state(tx: &mut Tx) -> ServiceResult<(bool, bool)> {
        let row = tx.saml_settings().await?;
        Ok(row.map_or((false, false), |r| (r.enabled, r.enabled && r.enforce)))
    }

    /// Whether `user` must sign in with SSO (docs/rules/saml.md#enforcement): the account
    /// enforces SAML and they aren't a Master admin.
    pub(in crate::service) async fn must_use_sso(
        tx: &mut Tx,
        user: &UserRow,
    ) -> ServiceResult<bool> {
        let (_, enforced) = Self::saml_state(tx).await?;
        if !enforced {
            return Ok(false);
        }
        let roles = tx.role_assignments_of("user", &user.id).await?;
        Ok(!roles
            .iter()
            .any(|(role, scope)| scope == "account" && role == "master_admin@account"))
    }
}

impl Service {
    /// Whether `user`'s name and email come from the identity provider: SAML and JIT on,
    /// and the user signs in with SAML.
    pub(in crate::service) async fn identity_from_idp(
        tx: &mut Tx,
        user: &UserRow,
    ) -> ServiceResult<bool> {
        Ok(identity_from_idp_by(
            tx.saml_settings().await?.as_ref(),
            user,
        ))
    }
}

/// [`Service::identity_from_idp`] under the account's SAML settings, read already.
pub(in crate::service) fn identity_from_idp_by(
    settings: Option<&crate::store::SamlSettingsRow>,
    user: &UserRow,
) -> bool {
    let jit = settings.is_some_and(|s| s.enabled && s.jit);
    jit && user.providers.split(',').any(|p| p.trim() == "saml")
}
