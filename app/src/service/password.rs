//! argon2id at OWASP's parameters (19 MiB, t = 2, p = 1), on the blocking pool behind a
//! semaphore, so hashing never stalls the async runtime nor exhausts memory.

use super::{Entropy, InternalError, ServiceResult};
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Argon2, Params};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    entropy: Arc<dyn Entropy>,
    /// A real hash of a random password: verified against when the email is unknown,
    /// so both paths cost the same.
    dummy_hash: String,
}

fn argon2() -> Argon2<'static> {
    Argon2::from(Params::DEFAULT)
}

impl PasswordHasher {
    pub async fn new(
        concurrency: usize,
        entropy: Arc<dyn Entropy>,
    ) -> ServiceResult<PasswordHasher> {
        let mut h = PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            entropy,
            dummy_hash: String::new(),
        };
        let filler = super::crypto::new_token(h.entropy.as_ref());
        h.dummy_hash = h.hash(&filler).await?;
        Ok(h)
    }

    /// The PHC string of a new argon2id hash of the (already normalized) password.
    pub async fn hash(&self, password: &str) -> ServiceResult<String> {
        let mut salt = [0u8; 16];
        self.entropy.fill(&mut salt);
        let password = password.to_owned();
        self.run(move || {
            argon2()
                .hash_password_with_salt(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| InternalError::PasswordHash(e.to_string()))
        })
        .await
    }

    /// Checks a password against a stored hash (or the dummy hash when there is none).
    /// Returns whether it matched and whether the hash should be redone with the
    /// current parameters.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> ServiceResult<Verified> {
        let known = stored.is_some();
        let hash = stored.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        self.run(move || {
            let ok = argon2()
                .verify_password(password.as_bytes(), hash.as_str())
                .is_ok();
            let current = format!(
                "m={},t={},p={}",
                Params::DEFAULT_M_COST,
                Params::DEFAULT_T_COST,
                Params::DEFAULT_P_COST
            );
            Ok(Verified {
                matched: ok && known,
                needs_rehash: ok && known && !hash.contains(&current),
            })
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, InternalError> + Send + 'static,
    ) -> ServiceResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| InternalError::Task(e.to_string()))?;
        let out = tokio::task::spawn_blocking(f)
            .await
            .map_err(|e| InternalError::Task(e.to_string()))?;
        Ok(out?)
    }
}

pub struct Verified {
    pub matched: bool,
    pub needs_rehash: bool,
}
