//! Tokens: random, shown once, stored only as SHA-256, compared in constant time.

use super::Entropy;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// A fresh 256-bit token as 64 lowercase hex characters.
pub fn new_token(entropy: &dyn Entropy) -> String {
    random_hex(entropy, 32)
}

/// `N` random bytes (a nonce).
pub fn random_bytes<const N: usize>(entropy: &dyn Entropy) -> [u8; N] {
    let mut b = [0u8; N];
    entropy.fill(&mut b);
    b
}

pub fn random_hex(entropy: &dyn Entropy, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    entropy.fill(&mut buf);
    hex::encode(buf)
}

/// A public API key: 15 decimal digits, the first not 0
/// (docs/rules/provisioning-api.md#answers-and-errors).
pub fn new_key_digits(entropy: &dyn Entropy) -> String {
    let mut b = [0u8; 15];
    entropy.fill(&mut b);
    b.iter()
        .enumerate()
        .map(|(i, x)| char::from(b'0' + if i == 0 { 1 + x % 9 } else { x % 10 }))
        .collect()
}

/// An API secret: 192 random bits as 32 URL-safe base64 characters.
pub fn new_api_secret(entropy: &dyn Entropy) -> String {
    use base64::Engine;
    let mut raw = [0u8; 24];
    entropy.fill(&mut raw);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// An account id: a random (version 4) UUID.
pub fn new_uuid(entropy: &dyn Entropy) -> String {
    let mut b = [0u8; 16];
    entropy.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// Does `candidate` hash to `stored_hash`? Constant time in the compared bytes.
pub fn matches_hash(candidate: &str, stored_hash: &str) -> bool {
    sha256_hex(candidate)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::OsEntropy;

    #[test]
    fn tokens_are_random_and_match_only_their_hash() {
        let a = new_token(&OsEntropy);
        let b = new_token(&OsEntropy);
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        let h = sha256_hex(&a);
        assert!(matches_hash(&a, &h));
        assert!(!matches_hash(&b, &h));
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let u = new_uuid(&OsEntropy);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    }
}
