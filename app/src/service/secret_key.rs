//! `server secret-key rotate`: every sealed secret re-sealed under a new server key in one
//! transaction — all or nothing (docs/rules/environments.md#api-keys).

use super::crypto::random_bytes;
use super::{Actor, AuditRecord, AuditTarget, Permit, SecretKey, Service, ServiceResult};

impl Service {
    /// The id of another key some sealed value names, if any: the database's secrets then
    /// can't be opened by this server.
    pub async fn sealed_under_another_key(&self) -> ServiceResult<Option<String>> {
        let permit = Permit::for_start_up();
        let mut tx = self.db().read(&permit).await?;
        let sealed = tx.sealed_api_secrets().await?;
        tx.finish().await?;
        let mine = self.config().secret_key.id();
        Ok(sealed
            .iter()
            .filter_map(|(_, v)| SecretKey::id_of(v))
            .find(|id| *id != mine)
            .map(str::to_string))
    }

    /// Opens every sealed value with this server's key and seals it again under `new`, in
    /// one write transaction; returns how many. A value this key can't open stops it all.
    pub async fn rotate_secret_key(&self, new: &SecretKey) -> ServiceResult<usize> {
        let permit = Permit::for_operator();
        let now = self.now();
        let old = &self.config().secret_key;
        let mut tx = self.db().write(&permit).await?;
        let sealed = tx.sealed_api_secrets().await?;
        let mut resealed = Vec::with_capacity(sealed.len());
        for (api_key, value) in &sealed {
            let opened = old.open(api_key, value);
            let (next, secret) = tx.or_end(opened).await?;
            tx = next;
            let again = new.seal(api_key, &secret, random_bytes(self.inner.entropy.as_ref()));
            let (next, value) = tx.or_end(again).await?;
            tx = next;
            resealed.push((api_key, value));
        }
        for (api_key, value) in &resealed {
            tx.reseal_api_secret(api_key, value).await?;
        }
        let record = AuditRecord::new("secret_key.rotate", Actor::Operator, now, None)
            .target(AuditTarget::new("secret_key", &new.id(), "server key"))
            .change(
                Some(serde_json::json!({ "key_id": old.id() })),
                Some(serde_json::json!({ "key_id": new.id(), "values": resealed.len() })),
            );
        tx.commit(&record).await?;
        Ok(resealed.len())
    }
}
