//! Secrets the console must give back (environment API secrets, later TOTP secrets) are
//! sealed with XChaCha20-Poly1305 under the server's key, bound to what they belong to.
//! A sealed value names its key (`v2:<key id>:…`), so a value sealed under another key is
//! said to be so, and `server secret-key rotate` re-seals every value under a new one.

use super::InternalError;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The server's 256-bit sealing key. Never printed.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(bytes)
    }

    /// From 64 hex characters.
    pub fn from_hex(s: &str) -> Result<SecretKey, String> {
        let bytes = hex::decode(s.trim()).map_err(|_| "the key must be 64 hex characters")?;
        let arr: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "the key must be 64 hex characters (32 bytes)")?;
        Ok(SecretKey(arr))
    }

    pub fn random() -> SecretKey {
        let mut b = [0u8; 32];
        super::Entropy::fill(&super::OsEntropy, &mut b);
        SecretKey(b)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// The key's id: the first 8 hex characters of its SHA-256 — names the key, reveals
    /// nothing of it.
    pub fn id(&self) -> String {
        use sha2::Digest;
        hex::encode(&sha2::Sha256::digest(self.0)[..4])
    }

    /// The id of the key a sealed value names (`None`: sealed before keys had ids).
    pub fn id_of(sealed: &str) -> Option<&str> {
        sealed
            .strip_prefix("v2:")?
            .split_once(':')
            .map(|(id, _)| id)
    }

    /// `v2:<key id>:` + hex(nonce ‖ ciphertext). `context` (e.g. the API key) must be given
    /// again to open it, so a sealed value can't be moved to another row.
    pub fn seal(
        &self,
        context: &str,
        plaintext: &str,
        nonce: [u8; 24],
    ) -> Result<String, InternalError> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| InternalError::Crypto("sealing failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(format!("v2:{}:{}", self.id(), hex::encode(out)))
    }

    pub fn open(&self, context: &str, sealed: &str) -> Result<String, InternalError> {
        let bad =
            || InternalError::Crypto("a sealed secret can't be opened (wrong server key?)".into());
        let raw = match (sealed.strip_prefix("v1:"), sealed.strip_prefix("v2:")) {
            (Some(raw), _) => raw,
            (None, Some(rest)) => {
                let (id, raw) = rest.split_once(':').ok_or_else(bad)?;
                if id != self.id() {
                    return Err(InternalError::Crypto(format!(
                        "a secret is sealed under the key {id}, not this server's key {}",
                        self.id()
                    )));
                }
                raw
            }
            (None, None) => return Err(bad()),
        };
        let bytes = hex::decode(raw).map_err(|_| bad())?;
        if bytes.len() < 24 + 16 {
            return Err(bad());
        }
        let (nonce, ct) = bytes.split_at(24);
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let pt = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let k = SecretKey::random();
        let sealed = k.seal("123456789012345", "s3cr3t", [7; 24]).unwrap();
        assert!(!sealed.contains("s3cr3t"));
        assert_eq!(k.open("123456789012345", &sealed).unwrap(), "s3cr3t");
        assert!(
            k.open("999999999999999", &sealed).is_err(),
            "bound to its row"
        );
        assert!(SecretKey::random()
            .open("123456789012345", &sealed)
            .is_err());
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('0');
        assert!(k.open("123456789012345", &tampered).is_err() || tampered == sealed);
        assert_eq!(format!("{k:?}"), "SecretKey([redacted])");
        assert_eq!(
            SecretKey::from_hex(&k.to_hex()).unwrap().to_hex(),
            k.to_hex()
        );
        assert!(SecretKey::from_hex("abcd").is_err());
    }

    #[test]
    fn a_sealed_value_names_its_key_and_another_key_says_so() {
        let k = SecretKey::random();
        let sealed = k.seal("ctx", "s3cr3t", [1; 24]).unwrap();
        assert_eq!(SecretKey::id_of(&sealed), Some(k.id().as_str()));
        assert_eq!(k.id().len(), 8);
        let other = SecretKey::random();
        let e = other.open("ctx", &sealed).unwrap_err().to_string();
        assert!(e.contains(&k.id()) && e.contains(&other.id()), "{e}");
        // A value sealed before ids (v1) still opens under its key.
        let v1 = format!("v1:{}", sealed.splitn(3, ':').nth(2).unwrap());
        assert_eq!(k.open("ctx", &v1).unwrap(), "s3cr3t");
    }
}
