//! The authenticator (RFC 6238 with `totp-rs`: SHA-1, 6 digits, 30-second steps) and
//! recovery codes (docs/rules/two-factor.md). Time comes in as an argument — the service's
//! clock — so skew, expiry and replay are tested with made-up times.

use super::crypto::sha256_hex;
use super::{Entropy, InternalError};
use crate::domain::two_factor::{recovery_code_from, RECOVERY_CODES};
use totp_rs::{Algorithm, Builder, Totp};

/// Seconds in a time step.
pub(super) const STEP_SECS: i64 = 30;
/// 160 random bits, as RFC 4226 recommends.
pub(super) const SECRET_BYTES: usize = 20;

/// What a typed code amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CodeCheck {
    /// Right for this time step (± 1): the step to remember as used.
    Accepted { step: i64 },
    /// Not a code of the steps around now.
    Wrong,
    /// Right, but for a step a code was already accepted for (or an earlier one).
    Reused,
}

/// A user's authenticator: the secret, the issuer and the label the app shows.
pub(super) struct Authenticator {
    totp: Totp,
}

impl Authenticator {
    /// `issuer` and `label` may not contain `:` (it separates them in the URI): it's
    /// replaced.
    pub(super) fn new(secret: &[u8], issuer: &str, label: &str) -> Result<Self, InternalError> {
        let clean = |s: &str| s.replace(':', " ").trim().to_string();
        let totp = Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(6)
            .with_skew(1)
            .with_step_duration(STEP_SECS as u64)
            .with_secret(secret.to_vec())
            .with_issuer(Some(clean(issuer)))
            .with_account_name(clean(label))
            .build()
            .map_err(|e| InternalError::Crypto(format!("authenticator: {e}")))?;
        Ok(Authenticator { totp })
    }

    /// A new random secret.
    pub(super) fn new_secret(entropy: &dyn Entropy) -> Vec<u8> {
        let mut secret = vec![0u8; SECRET_BYTES];
        entropy.fill(&mut secret);
        secret
    }

    pub(super) fn secret_base32(&self) -> String {
        self.totp.secret().to_base32()
    }

    /// `otpauth://totp/<issuer>:<label>?secret=…&issuer=…`.
    pub(super) fn uri(&self) -> Result<String, InternalError> {
        self.totp
            .to_url()
            .map_err(|e| InternalError::Crypto(format!("authenticator URI: {e}")))
    }

    /// Checks a 6-digit code typed at `now` against the steps around it, refusing a step
    /// at or before the last one accepted for this user.
    pub(super) fn check(&self, code: &str, now: i64, last_used_step: Option<i64>) -> CodeCheck {
        let Ok(now) = u64::try_from(now) else {
            return CodeCheck::Wrong;
        };
        match self.totp.check(code, now).map(|s| s as i64) {
            None => CodeCheck::Wrong,
            Some(step) if last_used_step.is_some_and(|used| step <= used) => CodeCheck::Reused,
            Some(step) => CodeCheck::Accepted { step },
        }
    }

    /// The code an app shows at `time` (tests compute codes as an app would).
    #[cfg(test)]
    pub(super) fn code_at(&self, time: i64) -> String {
        self.totp.generate(time as u64).to_string()
    }
}

/// The URI drawn as a QR code: a small SVG document (no image service).
pub(super) fn qr_svg(uri: &str) -> Result<String, InternalError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(uri, qrcode::EcLevel::M)
        .map_err(|e| InternalError::Crypto(format!("QR code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .quiet_zone(true)
        .build())
}

/// Ten fresh recovery codes, as shown.
pub(super) fn new_recovery_codes(entropy: &dyn Entropy) -> Vec<String> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut indexes = [0u8; 10];
            entropy.fill(&mut indexes);
            recovery_code_from(&indexes)
        })
        .collect()
}

/// How a recovery code is stored: SHA-256 of the user and the code, so equal codes of two
/// users don't share a hash.
pub(super) fn recovery_code_hash(user_id: &str, code: &str) -> String {
    sha256_hex(&format!("{user_id}:{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::OsEntropy;

    const T: i64 = 1_800_000_000;

    fn authenticator() -> Authenticator {
        Authenticator::new(b"12345678901234567890", "Media team", "ana@example.com").unwrap()
    }

    #[test]
    fn the_rfc_6238_test_vectors_hold() {
        // RFC 6238 appendix B, SHA-1 (the last 6 of its 8 digits).
        let a = authenticator();
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(a.code_at(time), code);
            assert!(matches!(
                a.check(code, time, None),
                CodeCheck::Accepted { .. }
            ));
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_not_two() {
        let a = authenticator();
        let code = a.code_at(T);
        let step = T / STEP_SECS;
        assert_eq!(a.check(&code, T, None), CodeCheck::Accepted { step });
        assert_eq!(
            a.check(&code, T + STEP_SECS, None),
            CodeCheck::Accepted { step }
        );
        assert_eq!(
            a.check(&code, T - STEP_SECS, None),
            CodeCheck::Accepted { step }
        );
        assert_eq!(a.check(&code, T + 2 * STEP_SECS, None), CodeCheck::Wrong);
        assert_eq!(a.check(&code, T - 2 * STEP_SECS, None), CodeCheck::Wrong);
    }

    #[test]
    fn a_step_already_used_and_the_steps_before_it_are_refused() {
        let a = authenticator();
        let step = T / STEP_SECS;
        let code = a.code_at(T);
        assert_eq!(a.check(&code, T, Some(step)), CodeCheck::Reused);
        // The previous step's code, still inside the skew, after this step's was used.
        let earlier = a.code_at(T - STEP_SECS);
        assert_eq!(a.check(&earlier, T, Some(step)), CodeCheck::Reused);
        // The next step's code is new.
        let next = a.code_at(T + STEP_SECS);
        assert_eq!(
            a.check(&next, T + STEP_SECS, Some(step)),
            CodeCheck::Accepted { step: step + 1 }
        );
    }

    #[test]
    fn wrong_and_malformed_codes_are_wrong() {
        let a = authenticator();
        let right = a.code_at(T);
        let wrong = format!("{:06}", (right.parse::<u32>().unwrap() + 1) % 1_000_000);
        for code in [wrong.as_str(), "", "abcdef", "12345", "1234567"] {
            assert_eq!(a.check(code, T, None), CodeCheck::Wrong, "{code}");
        }
        assert_eq!(a.check(&right, -5, None), CodeCheck::Wrong);
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_user_and_carries_the_secret() {
        let a = authenticator();
        let uri = a.uri().unwrap();
        assert!(
            uri.starts_with("otpauth://totp/Media%20team:ana%40example.com?"),
            "{uri}"
        );
        assert!(
            uri.contains(&format!("secret={}", a.secret_base32())),
            "{uri}"
        );
        assert!(uri.contains("issuer=Media%20team"), "{uri}");
        let odd =
            Authenticator::new(b"12345678901234567890", "Team: video", "a@b.example").unwrap();
        assert!(odd.uri().unwrap().contains("Team%20%20video"));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.contains("<svg") && svg.contains("</svg>"));
    }

    #[test]
    fn recovery_codes_are_ten_distinct_codes_hashed_per_user() {
        let codes = new_recovery_codes(&OsEntropy);
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 11);
            assert_eq!(&c[5..6], "-");
        }
        assert_ne!(
            recovery_code_hash("u1", &codes[0]),
            recovery_code_hash("u2", &codes[0])
        );
    }
}
