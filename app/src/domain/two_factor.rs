//! Two-factor sign-in's words (docs/rules/two-factor.md): what someone types at the second
//! step, the shape of recovery codes, and what My Profile shows of a user's factor.

use serde::{Deserialize, Serialize};

/// How many recovery codes a user gets at once.
pub const RECOVERY_CODES: usize = 10;

/// The letters of a recovery code: 32 symbols without the look-alikes `1 i l o`, so each
/// of a code's 10 symbols is 5 random bits (50 bits a code).
pub const RECOVERY_ALPHABET: &[u8; 32] = b"023456789abcdefghjkmnpqrstuvwxyz";

/// A recovery code as shown: `xxxxx-xxxxx`, from 10 random symbol indexes.
pub fn recovery_code_from(indexes: &[u8; 10]) -> String {
    let mut out = String::with_capacity(11);
    for (i, &x) in indexes.iter().enumerate() {
        if i == 5 {
            out.push('-');
        }
        out.push(char::from(RECOVERY_ALPHABET[usize::from(x % 32)]));
    }
    out
}

/// What was typed at the second step: an authenticator's 6-digit code or a recovery code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondFactor {
    /// Six digits (spaces typed between them dropped).
    Code(String),
    /// A recovery code in its shown form `xxxxx-xxxxx` (case, spaces and the dash as typed
    /// don't matter).
    Recovery(String),
}

impl SecondFactor {
    /// `None` when it is neither shape (the answer is the same as for a wrong code).
    pub fn parse(typed: &str) -> Option<SecondFactor> {
        let compact: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Some(SecondFactor::Code(compact));
        }
        let lower = compact.to_ascii_lowercase();
        let symbols: Option<Vec<u8>> = lower
            .bytes()
            .map(|b| {
                RECOVERY_ALPHABET
                    .iter()
                    .position(|&a| a == b)
                    .map(|p| p as u8)
            })
            .collect();
        let indexes: [u8; 10] = symbols?.try_into().ok()?;
        Some(SecondFactor::Recovery(recovery_code_from(&indexes)))
    }
}

/// A user's second factor as My Profile shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    /// Sign-in asks for a code.
    pub enabled: bool,
    /// Recovery codes not used yet.
    pub recovery_codes_left: u32,
    /// The account requires every user to have one (Account security).
    pub required: bool,
}

/// An authenticator to add: shown once, until a first code confirms it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The secret in base32, for typing into an app by hand.
    pub secret: String,
    /// `otpauth://totp/…` (issuer: the console's name; label: the user's email).
    pub uri: String,
    /// The URI as a QR code, an SVG document drawn by the server.
    pub qr_svg: String,
}

/// Freshly made recovery codes: shown once, stored only as hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_digits_are_a_code_whatever_the_spaces() {
        assert_eq!(
            SecondFactor::parse(" 123 456 "),
            Some(SecondFactor::Code("123456".into()))
        );
        assert_eq!(SecondFactor::parse("12345"), None);
        assert_eq!(SecondFactor::parse("1234567"), None);
        assert_eq!(SecondFactor::parse(""), None);
    }

    #[test]
    fn a_recovery_code_is_read_in_any_case_with_or_without_its_dash() {
        let shown = recovery_code_from(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 31]);
        assert_eq!(shown, "02345-6789z");
        for typed in ["02345-6789z", "023456789Z", " 02345 6789z ", "02345-6789-z"] {
            assert_eq!(
                SecondFactor::parse(typed),
                Some(SecondFactor::Recovery(shown.clone())),
                "{typed}"
            );
        }
        // Look-alikes aren't symbols of a code, and a code has exactly ten.
        assert_eq!(SecondFactor::parse("0234l-6789z"), None);
        assert_eq!(SecondFactor::parse("02345-6789"), None);
        assert_eq!(SecondFactor::parse("02345-6789zz"), None);
    }

    #[test]
    fn every_symbol_of_the_alphabet_is_distinct() {
        let mut seen = RECOVERY_ALPHABET.to_vec();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 32);
        for look_alike in [b'1', b'i', b'l', b'o'] {
            assert!(!RECOVERY_ALPHABET.contains(&look_alike));
        }
    }
}
