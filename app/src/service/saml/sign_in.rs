//! Signing in through the identity provider (docs/rules/saml.md#signing-in): *Sign in with
//! SSO* by email domain, a fresh SAML sign-in as re-authentication, *Test SSO*, and the
//! assertion consumer service that checks each response and opens the session.

use super::settings::read_metadata;
use super::xml;
use crate::domain::saml::{
    email_domain, SamlFailure, SamlIdentity, SamlSettingsInput, REQUEST_LIFETIME,
};
use crate::domain::{sign_in::safe_next, Email, Permission, Refusal};
use crate::service::auth::Proof;
use crate::service::crypto::random_hex;
use crate::service::{
    Actor, AuditRecord, AuditResult, Principal, RequestMeta, Service, ServiceError, ServiceResult,
    SignedIn,
};
use crate::store::{Permit, SamlRequestRow, Tx};
use base64::Engine;
use serde_json::json;

/// What the assertion consumer service did.
pub enum SamlOutcome {
    /// A new session; go on to `next` (a path on the console).
    SignedIn {
        signed: SignedIn,
        next: Option<String>,
    },
    /// The session named by the request re-authenticated.
    Reauthenticated { next: Option<String> },
    /// *Test SSO* worked: who the identity provider said signed in.
    Tested { email: String, username: String },
}

impl Service {
    /// *Sign in with SSO*: the identity provider's sign-in address for an email whose domain
    /// an account with SAML on lists. Anything else gets one answer (no enumeration).
    pub async fn saml_sign_in_start(
        &self,
        email: &str,
        next: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        let email = Email::parse(email).map_err(|m| ServiceError::invalid("email", m))?;
        let domain = email_domain(email.as_str()).unwrap_or_default();
        let permit = Permit::for_sign_in();
        let mut tx = self.db().write(&permit).await?;
        let Some(account_id) = tx.saml_account_of_domain(&domain).await? else {
            tx.finish().await?;
            return Err(Refusal::SsoNotSetUp.into());
        };
        tx.within_account(&account_id)?;
        let row = tx.saml_settings().await?.filter(|s| s.enabled);
        let Some(row) = row else {
            tx.finish().await?;
            return Err(Refusal::SsoNotSetUp.into());
        };
        let next = next.and_then(safe_next).map(str::to_string);
        let url = self
            .new_saml_request(
                &mut tx,
                &account_id,
                &row.idp_metadata,
                "sign_in",
                None,
                next,
                None,
                false,
            )
            .await?;
        let record = AuditRecord::new("auth.saml_start", Actor::Anonymous, self.now(), Some(meta))
            .account(&account_id)
            .change(None, Some(json!({ "domain": domain })));
        tx.commit(&record).await?;
        let _ = meta;
        Ok(url)
    }

    /// Re-authentication of a signed-in user by a fresh SAML sign-in (ForceAuthn).
    pub async fn saml_reauthenticate_start(
        &self,
        principal: &Principal,
        next: Option<&str>,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        let permit = principal.own_permit();
        let mut tx = self.db().write(&permit).await?;
        let row = tx.saml_settings().await?.filter(|s| s.enabled);
        let Some(row) = row else {
            tx.finish().await?;
            return Err(Refusal::SsoNotSetUp.into());
        };
        let next = next.and_then(safe_next).map(str::to_string);
        let session = Some(principal.session_token_hash.clone());
        let url = self
            .new_saml_request(
                &mut tx,
                principal.account_id(),
                &row.idp_metadata,
                "reauth",
                Some(principal.user_id()),
                next,
                session,
                true,
            )
            .await?;
        tx.commit_bookkeeping(&permit).await?;
        let _ = meta;
        Ok(url)
    }

    /// *Test SSO*: a sign-in with the settings as typed (not saved), in a new tab.
    pub async fn saml_test_start(
        &self,
        principal: &Principal,
        input: &SamlSettingsInput,
        meta: &RequestMeta,
    ) -> ServiceResult<String> {
        let permit = self
            .authorize(principal, Permission::SecurityManage, meta)
            .await?;
        let checked = input.check()?;
        let (metadata, _) = self.saml_metadata_of(&checked.source).await?;
        read_metadata(metadata.clone())
            .await?
            .map_err(|m| ServiceError::invalid("metadata", m))?;
        let mut tx = self.db().write(&permit).await?;
        let url = self
            .new_saml_request(
                &mut tx,
                principal.account_id(),
                &metadata,
                "test",
                Some(principal.user_id()),
                None,
                None,
                true,
            )
            .await?;
        tx.commit_bookkeeping(&permit).await?;
        Ok(url)
    }

    #[allow(clippy::too_many_arguments)]
    async fn new_saml_request(
        &self,
        tx: &mut Tx,
        account_id: &str,
        metadata: &str,
        purpose: &str,
        user_id: Option<&str>,
        next: Option<String>,
        session_hash: Option<String>,
        force_authn: bool,
    ) -> ServiceResult<String> {
        let now = self.now();
        tx.prune_saml(now).await?;
        // An NCName: a letter first.
        let id = format!("_{}", random_hex(self.inner.entropy.as_ref(), 16));
        let ours = self.saml_service_provider();
        let (idp, request_id) = (metadata.to_string(), id.clone());
        let url = tokio::task::spawn_blocking(move || {
            xml::sign_in_request_url(&idp, &ours, &request_id, force_authn, "")
        })
        .await
        .map_err(|e| ServiceError::Internal(crate::service::InternalError::Task(e.to_string())))?
        .map_err(|m| ServiceError::invalid("metadata", m))?;
        tx.insert_saml_request(&SamlRequestRow {
            id,
            account_id: account_id.to_string(),
            purpose: purpose.to_string(),
            user_id: user_id.map(str::to_string),
            next,
            expires_at: now + REQUEST_LIFETIME,
            draft_metadata: (purpose == "test").then(|| metadata.to_string()),
            session_hash,
        })
        .await?;
        Ok(url)
    }

    /// The assertion consumer service: checks the response (see [`xml::verify`]) against the
    /// settings of the account it comes from, keeps its id against replay, and acts on it.
    /// Every failure is one refusal to the browser ([`Refusal::SsoFailed`], or the seat
    /// sentence) and its reason in the audit log.
    pub async fn saml_acs(
        &self,
        saml_response: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<SamlOutcome> {
        match self.saml_acs_checked(saml_response, meta).await {
            Ok(outcome) => Ok(outcome),
            Err(Failed::Service(e)) => Err(e),
            Err(Failed::Saml {
                failure,
                account_id,
            }) => {
                let refusal = match failure {
                    SamlFailure::NoSeats => Refusal::SsoNoSeats,
                    _ => Refusal::SsoFailed,
                };
                let mut record = AuditRecord::new(
                    "auth.saml_failure",
                    Actor::Anonymous,
                    self.now(),
                    Some(meta),
                )
                .result(AuditResult::Denied)
                .change(
                    None,
                    Some(json!({ "reason": failure.to_string(), "code": failure })),
                );
                let permit = Permit::for_sign_in();
                let mut tx = self.db().write(&permit).await?;
                if let Some(account_id) = &account_id {
                    tx.within_account(account_id)?;
                    record = record.account(account_id);
                }
                tx.commit(&record).await?;
                Err(refusal.into())
            }
        }
    }

    /// The response's way through: read (no database), its account found (one short
    /// write: the request is used up), checked (on the blocking pool, no transaction
    /// open), then kept against replay and acted on in one transaction.
    async fn saml_acs_checked(
        &self,
        saml_response: &str,
        meta: &RequestMeta,
    ) -> Result<SamlOutcome, Failed> {
        let document = decode(saml_response).map_err(Failed::anonymous)?;
        let doc = document.clone();
        let peek = blocking(move || xml::peek(&doc))
            .await?
            .map_err(Failed::anonymous)?;
        let found = self.acs_find(&peek).await?;
        let fail = |failure| Failed::Saml {
            failure,
            account_id: Some(found.account_id.clone()),
        };
        let (ours, metadata) = (self.saml_service_provider(), found.metadata.clone());
        let request_id = found.request.as_ref().map(|r| r.id.clone());
        let verified =
            blocking(move || xml::verify(&document, &metadata, &ours, request_id.as_deref()))
                .await?
                .map_err(fail)?;
        let permit = Permit::for_sign_in();
        let mut tx = self.db().write(&permit).await?;
        tx.within_account(&found.account_id)?;
        if !tx
            .keep_saml_assertion(&verified.assertion_id, verified.keep_until)
            .await?
        {
            tx.commit_bookkeeping(&permit).await?;
            return Err(fail(SamlFailure::Replayed {
                id: verified.assertion_id,
            }));
        }
        let account_id = found.account_id.clone();
        self.acs_act(tx, found, verified.identity, meta)
            .await
            .map_err(|e| match e {
                Failed::Saml { failure, .. } => Failed::Saml {
                    failure,
                    account_id: Some(account_id),
                },
                other => other,
            })
    }

    /// The account a response is for — by the request it answers (used up: once), else by
    /// its issuer — and the metadata to check it against.
    async fn acs_find(&self, peek: &xml::Peek) -> Result<Found, Failed> {
        let permit = Permit::for_sign_in();
        let mut tx = self.db().write(&permit).await?;
        let request = match &peek.in_response_to {
            Some(id) => Some(tx.take_saml_request(id, self.now()).await?),
            None => None,
        };
        let issuer_account = match &peek.issuer {
            Some(issuer) => tx.saml_account_of_issuer(issuer).await?,
            None => None,
        };
        let (account_id, request) = match (request, issuer_account) {
            (Some(Some(r)), _) => (r.account_id.clone(), Some(r)),
            (Some(None), account_id) => {
                tx.commit_bookkeeping(&permit).await?;
                let failure = SamlFailure::UnknownRequest;
                return Err(Failed::Saml {
                    failure,
                    account_id,
                });
            }
            (None, Some(account)) => (account, None),
            (None, None) => {
                tx.finish().await?;
                let issuer = peek.issuer.clone().unwrap_or_default();
                return Err(Failed::anonymous(SamlFailure::UnknownIssuer { issuer }));
            }
        };
        tx.within_account(&account_id)?;
        let settings = tx.saml_settings().await?;
        tx.commit_bookkeeping(&permit).await?;
        let metadata = match (&request, &settings) {
            (Some(r), _) if r.purpose == "test" => r.draft_metadata.clone(),
            (_, Some(s)) if s.enabled => Some(s.idp_metadata.clone()),
            _ => None,
        };
        let Some(metadata) = metadata else {
            let failure = SamlFailure::Off;
            return Err(Failed::Saml {
                failure,
                account_id: Some(account_id),
            });
        };
        Ok(Found {
            account_id,
            request,
            settings,
            metadata,
        })
    }

    /// What a checked response does: a test's answer, a re-authentication, or a sign-in.
    async fn acs_act(
        &self,
        mut tx: Tx,
        found: Found,
        identity: SamlIdentity,
        meta: &RequestMeta,
    ) -> Result<SamlOutcome, Failed> {
        let now = self.now();
        let purpose = found
            .request
            .as_ref()
            .map_or("sign_in", |r| r.purpose.as_str());
        match purpose {
            "test" => {
                let record =
                    AuditRecord::new("security.saml_test", Actor::Anonymous, now, Some(meta))
                        .account(&found.account_id)
                        .change(
                            None,
                            Some(json!({ "email": identity.email, "username": identity.username })),
                        );
                tx.commit(&record).await?;
                Ok(SamlOutcome::Tested {
                    email: identity.email,
                    username: identity.username,
                })
            }
            "reauth" => {
                self.saml_reauthenticated(tx, found.request, &identity, meta)
                    .await
            }
            _ => {
                let next = found.request.and_then(|r| r.next);
                let Some(settings) = found.settings else {
                    tx.finish().await?;
                    return Err(Failed::anonymous(SamlFailure::Off));
                };
                let user = self
                    .saml_user(&mut tx, &settings, &identity, now, meta)
                    .await;
                let (tx, user) = tx.or_end(user).await?;
                let (tx, policy) = self.refuse_blocked_address(tx, &user, meta).await?;
                let signed = self
                    .finish_sign_in(tx, &policy, &user, Proof::Saml, None, meta)
                    .await?;
                Ok(SamlOutcome::SignedIn { signed, next })
            }
        }
    }

    /// A re-authentication: the identity must be the requesting session's user.
    async fn saml_reauthenticated(
        &self,
        mut tx: Tx,
        request: Option<SamlRequestRow>,
        identity: &SamlIdentity,
        meta: &RequestMeta,
    ) -> Result<SamlOutcome, Failed> {
        let request = request.ok_or(Failed::anonymous(SamlFailure::UnknownRequest))?;
        let user = match &request.user_id {
            Some(id) => tx.user(id).await?,
            None => None,
        };
        let same = user.as_ref().is_some_and(|u| {
            u.saml_username.as_deref() == Some(identity.username.as_str())
                || u.email_normalized == identity.email.to_lowercase()
        });
        let (Some(user), true, Some(session)) = (user, same, request.session_hash.as_deref())
        else {
            tx.finish().await?;
            return Err(Failed::anonymous(SamlFailure::UnknownUser));
        };
        let now = self.now();
        tx.mark_session_reauthenticated(session, &user.id, now)
            .await?;
        let record = crate::service::audit::by_user("auth.reauthenticate", &user, now, meta)
            .change(None, Some(json!({ "method": "saml" })));
        tx.commit(&record).await?;
        Ok(SamlOutcome::Reauthenticated { next: request.next })
    }
}

/// What a response was found to be for.
struct Found {
    account_id: String,
    request: Option<SamlRequestRow>,
    settings: Option<crate::store::SamlSettingsRow>,
    /// The identity provider's metadata to check it against (a test's: as typed).
    metadata: String,
}

/// A failure of the assertion consumer service: the service's own, or a refused response
/// (with the account it was for, when known, for the audit record).
pub(super) enum Failed {
    Service(ServiceError),
    Saml {
        failure: SamlFailure,
        account_id: Option<String>,
    },
}

impl Failed {
    fn anonymous(failure: SamlFailure) -> Failed {
        Failed::Saml {
            failure,
            account_id: None,
        }
    }
}

impl From<ServiceError> for Failed {
    fn from(e: ServiceError) -> Failed {
        Failed::Service(e)
    }
}

impl From<crate::store::StoreError> for Failed {
    fn from(e: crate::store::StoreError) -> Failed {
        Failed::Service(e.into())
    }
}

/// The `SAMLResponse` form field: bounded base64 of UTF-8 XML.
fn decode(field: &str) -> Result<String, SamlFailure> {
    let field: String = field.chars().filter(|c| !c.is_whitespace()).collect();
    if field.is_empty() || field.len() > crate::domain::saml::MAX_RESPONSE_BYTES {
        return Err(SamlFailure::Malformed);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(field)
        .map_err(|_| SamlFailure::Malformed)?;
    String::from_utf8(bytes).map_err(|_| SamlFailure::Malformed)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, Failed> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        Failed::Service(ServiceError::Internal(crate::service::InternalError::Task(
            e.to_string(),
        )))
    })
}
