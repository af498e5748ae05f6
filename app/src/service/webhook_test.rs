//! *Send test* on the Webhook notifications page: posts a signed test notification to a
//! URL and reports the receiver's HTTP status. Signed like every notification the media
//! platform sends: `X-Cld-Signature` = hex SHA-1 of body + timestamp + the signing key's
//! secret, with `X-Cld-Timestamp`.

use super::outbound::{Destination, OutboundRefusal};
use super::{
    AuditRecord, AuditTarget, Principal, RequestMeta, Service, ServiceError, ServiceResult,
};
use crate::domain::settings::webhook_url;
use crate::domain::Permission;
use crate::domain::Refusal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha1::{Digest, Sha1};
use std::time::Duration;

/// How long *Send test* waits for the receiver.
const TEST_TIMEOUT: Duration = Duration::from_secs(10);
/// *Send test* by one user: 10 in 10 minutes, then none until those minutes have passed.
const TESTS_PER_USER: crate::domain::Policy = crate::domain::Policy {
    free_failures: u32::MAX,
    max_delay: 0,
    lock_after: 10,
    window: 600,
    lock_for: None,
};

/// What *Send test* reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTestResult {
    pub url: String,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why there is no status (timeout, refused connection, TLS), in plain words.
    pub error: Option<String>,
    /// The key whose secret signed the test.
    pub signed_with: String,
}

/// `X-Cld-Signature` for a body sent at `timestamp`.
pub fn notification_signature(body: &str, timestamp: i64, secret: &str) -> String {
    let mut h = Sha1::new();
    h.update(body.as_bytes());
    h.update(timestamp.to_string().as_bytes());
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("No answer within {} seconds", TEST_TIMEOUT.as_secs())
    } else if e.is_connect() {
        "Couldn't connect to the receiver".into()
    } else {
        "The request failed before the receiver answered".into()
    }
}

impl Service {
    /// Send test (`env_settings.manage`): the URL follows the page's rules; the result is
    /// audited (`webhook.test`), never the secret.
    pub async fn send_test_notification(
        &self,
        principal: &Principal,
        environment_id: &str,
        url: &str,
        meta: &RequestMeta,
    ) -> ServiceResult<WebhookTestResult> {
        let permit = self
            .authorize(principal, Permission::EnvSettingsManage, meta)
            .await?;
        let url = webhook_url(url, self.config().webhook_allow_http)
            .map_err(|m| ServiceError::invalid("url", m))?;
        let mut tx = self.db().read(&permit).await?;
        let found = self
            .reachable_environment(&mut tx, principal, environment_id)
            .await;
        let (mut tx, env) = tx.or_end(found).await?;
        let keys = tx.api_keys(&env.id).await?;
        tx.finish().await?;
        let key = super::api_keys::signing_key(&keys)
            .ok_or_else(|| ServiceError::from(Refusal::NoKeyToSign))?;
        let secret = self
            .config()
            .secret_key
            .open(&key.api_key, &key.secret_sealed)?;
        let destination = self.checked_destination(&url).await?;
        self.count_test(&permit, principal).await?;
        let now = self.now();
        let body = json!({
            "notification_type": "test",
            "cloud_name": env.cloud_name,
            "timestamp": now,
            "message": "Test notification from the console",
        })
        .to_string();
        let client = destination
            .client(TEST_TIMEOUT)
            .map_err(|e| super::InternalError::Task(format!("http client: {e}")))?;
        let answer = client
            .post(&url)
            .header("Content-Type", "application/json")
            .header("X-Cld-Timestamp", now.to_string())
            .header(
                "X-Cld-Signature",
                notification_signature(&body, now, &secret),
            )
            .body(body)
            .send()
            .await;
        let (status, error) = match answer {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(describe(&e))),
        };
        let result = WebhookTestResult {
            url,
            status,
            error,
            signed_with: key.api_key.clone(),
        };
        let record = AuditRecord::new("webhook.test", principal.actor(), self.now(), Some(meta))
            .account(&principal.account_id)
            .target(AuditTarget::new("environment", &env.id, &env.cloud_name))
            .change(
                None,
                Some(json!({ "url": result.url, "status": result.status, "error": result.error })),
            );
        let tx = self.db().write(&permit).await?;
        tx.commit(&record).await?;
        Ok(result)
    }
}

impl Service {
    /// Where *Send test* may send `url`: an address the operator's rule admits, resolved
    /// once (the request goes to it). Refused before any connection is made.
    async fn checked_destination(&self, url: &str) -> ServiceResult<Destination> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|_| ServiceError::invalid("url", "Enter a valid URL"))?;
        let config = self.config();
        match Destination::check(&parsed, &config.outbound, config.resolver.as_ref()).await {
            Ok(destination) => Ok(destination),
            Err(OutboundRefusal::NoAddress) => Err(ServiceError::invalid(
                "url",
                "No address was found for this host",
            )),
            Err(OutboundRefusal::Refused(reason)) => {
                Err(ServiceError::refused_field("url", reason))
            }
        }
    }

    /// Counts one test of the principal's, refusing it past the allowance.
    async fn count_test(
        &self,
        permit: &crate::store::Permit,
        principal: &Principal,
    ) -> ServiceResult<()> {
        let key = format!("webhook-test:{}", principal.user_id);
        let now = self.now();
        let mut tx = self.db().write(permit).await?;
        if let Some(retry_after) = tx.count_try(&key, &TESTS_PER_USER, now).await? {
            tx.finish().await?;
            return Err(Refusal::TooManyAttempts { retry_after }.into());
        }
        tx.commit_bookkeeping(permit).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_sha1_of_body_timestamp_secret() {
        // sha1("{}1700000000abc")
        let mut h = Sha1::new();
        h.update(b"{}1700000000abc");
        assert_eq!(
            notification_signature("{}", 1_700_000_000, "abc"),
            hex::encode(h.finalize())
        );
        assert_eq!(notification_signature("{}", 1, "abc").len(), 40);
    }
}
