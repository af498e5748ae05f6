//! argon2id at OWASP's parameters (19 MiB, t = 2, p = 1), on the blocking pool behind a
//! semaphore, so hashing never stalls the async runtime; its memory comes from
//! [`WorkingMemory`], so a burst costs at most `concurrency × 19 MiB` and gives it back.

use super::hash_memory::{Lease, WorkingMemory, IDLE};
use super::{Entropy, InternalError, ServiceResult};
use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};
use std::sync::Arc;
use subtle::ConstantTimeEq as _;
use tokio::sync::Semaphore;

pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    memory: Arc<WorkingMemory>,
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
            memory: WorkingMemory::new(Params::DEFAULT.block_count()),
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
        self.run(move |memory| hash_with(memory, password.as_bytes(), &salt))
            .await
    }

    /// Checks a password against a stored hash (or the dummy hash when there is none).
    /// Returns whether it matched and whether the hash should be redone with the
    /// current parameters.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> ServiceResult<Verified> {
        let known = stored.is_some();
        let hash = stored.unwrap_or(&self.dummy_hash).to_owned();
        let password = password.to_owned();
        self.run(move |memory| {
            let ok = verify_with(memory, password.as_bytes(), &hash);
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

    /// Runs `f` on the blocking pool with one of the working memory's areas, once a permit
    /// is free; the area goes back to the pool after, and is unmapped if no other hash
    /// takes it within [`IDLE`].
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut [Block]) -> Result<T, InternalError> + Send + 'static,
    ) -> ServiceResult<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| InternalError::Task(e.to_string()))?;
        let mut lease: Lease = self
            .memory
            .lease()
            .map_err(|e| InternalError::PasswordHash(format!("working memory: {e}")))?;
        let out = tokio::task::spawn_blocking(move || f(lease.blocks()))
            .await
            .map_err(|e| InternalError::Task(e.to_string()))?;
        let memory = self.memory.clone();
        tokio::spawn(async move {
            tokio::time::sleep(IDLE).await;
            // Unmapping 19 MiB of written pages is the kernel's work for a while: not on the
            // async runtime.
            let _ = tokio::task::spawn_blocking(move || memory.release_idle()).await;
        });
        Ok(out?)
    }

    /// Areas of working memory mapped and idle (tests).
    #[cfg(test)]
    pub fn idle_areas(&self) -> usize {
        self.memory.free_areas()
    }
}

/// argon2id of `password` with `salt` at the current parameters, in `memory`, as a PHC string.
fn hash_with(memory: &mut [Block], password: &[u8], salt: &[u8]) -> Result<String, InternalError> {
    let fail = |e: &dyn std::fmt::Display| InternalError::PasswordHash(e.to_string());
    let argon2 = argon2();
    let blocks = argon2.params().block_count();
    let area = memory
        .get_mut(..blocks)
        .ok_or_else(|| fail(&"working memory too small"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2
        .hash_password_into_with_memory(password, salt, &mut out, area)
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon2.params()).map_err(|e| fail(&e))?,
        salt: Some(Salt::new(salt).map_err(|e| fail(&e))?),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` hashes to the PHC string `stored` (any argon2 variant and parameters),
/// computed in `memory` when it is large enough (a hash made with more memory than today's
/// parameters allocates its own), compared in constant time.
fn verify_with(memory: &mut [Block], password: &[u8], stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&phc.salt, &phc.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(phc.algorithm.as_str()) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&phc) else {
        return false;
    };
    let argon2 = Argon2::new(algorithm, version, params);
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return false;
    };
    let computed = match memory.get_mut(..argon2.params().block_count()) {
        Some(area) => argon2.hash_password_into_with_memory(password, salt, out, area),
        None => argon2.hash_password_into(password, salt, out),
    };
    computed.is_ok() && bool::from(expected.as_bytes().ct_eq(out))
}

pub struct Verified {
    pub matched: bool,
    pub needs_rehash: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    fn area() -> Vec<Block> {
        vec![Block::new(); Params::DEFAULT.block_count()]
    }

    #[test]
    fn hashes_as_the_argon2_crate_does_and_verifies_its_hashes() {
        let salt = b"sixteen byte slt";
        let ours = hash_with(&mut area(), b"correct horse", salt).unwrap();
        let theirs = argon2()
            .hash_password_with_salt(b"correct horse", salt)
            .unwrap()
            .to_string();
        assert_eq!(ours, theirs);
        assert!(argon2()
            .verify_password(b"correct horse", ours.as_str())
            .is_ok());
        assert!(verify_with(&mut area(), b"correct horse", &theirs));
        assert!(!verify_with(&mut area(), b"correct horsf", &theirs));
        assert!(!verify_with(
            &mut area(),
            b"correct horse",
            "not a phc string"
        ));
        // A hash without its output or salt never matches.
        let bare = theirs.rsplit_once('$').unwrap().0;
        assert!(!verify_with(&mut area(), b"correct horse", bare));
    }

    #[test]
    fn verifies_hashes_made_with_other_parameters() {
        let salt = b"sixteen byte slt";
        for (alg, m) in [
            (Algorithm::Argon2id, 4096),
            (Algorithm::Argon2i, 8192),
            (Algorithm::Argon2id, 32768),
        ] {
            let params = Params::new(m, 3, 1, Some(24)).unwrap();
            let older = Argon2::new(alg, Version::V0x13, params)
                .hash_password_with_salt(b"an older password", salt)
                .unwrap()
                .to_string();
            // Smaller than today's area: in part of it; larger (32 MiB): its own allocation.
            assert!(
                verify_with(&mut area(), b"an older password", &older),
                "{older}"
            );
            assert!(
                !verify_with(&mut area(), b"an older passwore", &older),
                "{older}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_s_working_memory_goes_back_once_idle() {
        let hasher = PasswordHasher::new(2, Arc::new(crate::service::OsEntropy))
            .await
            .unwrap();
        let (a, b) = tokio::join!(hasher.verify("one", None), hasher.verify("two", None));
        assert!(!a.unwrap().matched && !b.unwrap().matched);
        // Two at once: two areas, kept for the next hashes.
        assert_eq!(hasher.idle_areas(), 2);
        tokio::time::sleep(IDLE * 2).await;
        assert_eq!(hasher.idle_areas(), 0);
    }
}
