//! Metadata given by URL is fetched again daily (docs/rules/saml.md#settings): a good
//! document replaces the kept one; a failure keeps the last good one and is shown on the
//! page. Each outcome is the `system` actor's record.

use super::settings::read_metadata;
use crate::domain::saml::METADATA_REFRESH;
use crate::service::{Actor, AuditRecord, AuditResult, AuditTarget, Service, ServiceResult};
use crate::store::Permit;
use serde_json::json;

impl Service {
    /// Refreshes the metadata due; returns how many were tried.
    pub async fn refresh_saml_metadata(&self) -> ServiceResult<usize> {
        let now = self.now();
        let permit = Permit::for_operator();
        let mut tx = self.db().read(&permit).await?;
        let due = tx.saml_metadata_due(now - METADATA_REFRESH).await?;
        tx.finish().await?;
        for row in &due {
            let Some(url) = row
                .metadata_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
            else {
                continue;
            };
            let fetched = match self.fetch_metadata(&url).await {
                Ok(xml) => match read_metadata(xml.clone()).await? {
                    Ok(idp) => Ok((xml, idp.entity_id)),
                    Err(m) => Err(m),
                },
                Err(m) => Err(m),
            };
            let mut tx = self.db().write(&permit).await?;
            tx.within_account(&row.account_id)?;
            let now = self.now();
            let record =
                AuditRecord::new("security.saml_metadata_refresh", Actor::System, now, None)
                    .account(&row.account_id)
                    .target(AuditTarget::new(
                        "account",
                        &row.account_id,
                        "SAML single sign-on",
                    ));
            let record = match &fetched {
                Ok((xml, entity))
                    if *entity == row.idp_entity_id
                        || !tx.saml_issuer_elsewhere(entity).await? =>
                {
                    tx.set_saml_metadata(Some((xml, entity)), None, now).await?;
                    record.change(
                        None,
                        Some(json!({ "url": url.as_str(), "idp_entity_id": entity })),
                    )
                }
                Ok((_, entity)) => {
                    let error = "The metadata now names an identity provider another account uses";
                    tx.set_saml_metadata(None, Some(error), now).await?;
                    record.result(AuditResult::Failure).change(
                        None,
                        Some(
                            json!({ "url": url.as_str(), "idp_entity_id": entity, "error": error }),
                        ),
                    )
                }
                Err(error) => {
                    tx.set_saml_metadata(None, Some(error), now).await?;
                    record
                        .result(AuditResult::Failure)
                        .change(None, Some(json!({ "url": url.as_str(), "error": error })))
                }
            };
            tx.commit(&record).await?;
        }
        Ok(due.len())
    }
}
