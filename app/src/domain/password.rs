//! Password rules (docs/rules/sign-in.md#passwords, NIST SP 800-63B): 12–128 characters of any
//! Unicode after NFKC, spaces allowed, no composition rules; refused when common or built from
//! context words.

use unicode_normalization::UnicodeNormalization;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;
pub const TOO_COMMON: &str = "Choose a less common password";
/// The rules in a user's words, shown beside every new-password field.
pub const HINT: &str =
    "12 to 128 characters. Spaces and any characters are fine; common passwords are refused.";

const COMMON: &str = include_str!("common_passwords.txt");

/// Words that, repeated or wrapped in digits and symbols, still make a guessable password.
const COMMON_WORDS: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssw0rd",
    "qwerty",
    "azerty",
    "iloveyou",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "monkey",
    "dragon",
    "master",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "batman",
    "trustno1",
    "changeme",
    "secret",
    "login",
    "console",
];

/// The NFKC form in which a password is hashed and compared.
pub fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// The length rule alone: what the browser can check before submitting.
pub fn check_length(password: &str) -> Result<(), String> {
    let n = normalize(password).chars().count();
    if n < MIN_LEN {
        Err(format!("Password must be at least {MIN_LEN} characters"))
    } else if n > MAX_LEN {
        Err(format!("Password must be at most {MAX_LEN} characters"))
    } else {
        Ok(())
    }
}

/// Every rule: length, the bundled common list, trivial patterns, and `context` words
/// (email, its local part, names, the account name; "console" is always one).
pub fn check(password: &str, context: &[&str]) -> Result<(), String> {
    check_length(password)?;
    let lower = normalize(password).to_lowercase();
    if is_common(&lower) || is_trivial(&lower) || is_common_word_core(&lower) {
        return Err(TOO_COMMON.into());
    }
    if is_made_of_context(&lower, context) {
        return Err(TOO_COMMON.into());
    }
    Ok(())
}

fn is_common(lower: &str) -> bool {
    COMMON
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == lower)
}

/// One repeated character, or a run of consecutive characters (`abcdef…`, `98765…`).
fn is_trivial(lower: &str) -> bool {
    let cs: Vec<char> = lower.chars().filter(|c| !c.is_whitespace()).collect();
    if cs.len() < 2 {
        return true;
    }
    let steps: Vec<i64> = cs.windows(2).map(|w| w[1] as i64 - w[0] as i64).collect();
    let distinct = {
        let mut d = cs.clone();
        d.sort_unstable();
        d.dedup();
        d.len()
    };
    distinct <= 2 || steps.iter().all(|s| *s == steps[0] && s.abs() <= 1)
}

/// A common word, possibly repeated, wrapped only in digits, symbols and spaces.
fn is_common_word_core(lower: &str) -> bool {
    let core: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    if core.is_empty() {
        // Only digits and symbols: accept when long and varied (not trivial, not listed).
        return false;
    }
    COMMON_WORDS.iter().any(|w| {
        let w: String = w.chars().filter(|c| c.is_alphabetic()).collect();
        !w.is_empty()
            && core.len().is_multiple_of(w.len())
            && core == w.repeat(core.len() / w.len())
    })
}

/// After removing every context word (3+ letters), fewer than 8 characters are left.
fn is_made_of_context(lower: &str, context: &[&str]) -> bool {
    let mut words: Vec<String> = vec!["console".into()];
    for c in context {
        let c = normalize(c).to_lowercase();
        words.push(c.clone());
        words.extend(
            c.split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_string),
        );
    }
    words.retain(|w| w.chars().count() >= 3);
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut rest = lower.to_string();
    let mut removed = false;
    for w in &words {
        if rest.contains(w.as_str()) {
            rest = rest.replace(w.as_str(), "");
            removed = true;
        }
    }
    removed && rest.chars().filter(|c| !c.is_whitespace()).count() < 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_after_nfkc_in_characters() {
        assert!(check_length("short").is_err());
        assert!(check_length(&"é".repeat(12)).is_ok());
        assert!(check_length(&"x".repeat(129)).is_err());
        // U+FB01 (ﬁ ligature) becomes "fi" under NFKC: 6 ligatures = 12 characters.
        assert!(check_length(&"\u{FB01}".repeat(6)).is_ok());
    }

    #[test]
    fn refuses_common_trivial_and_context_passwords() {
        for bad in [
            "password1234",
            "Password123!",
            "qwertyuiop12",
            "aaaaaaaaaaaa",
            "abcdefghijklmn",
            "123456789012",
            "passwordpassword!!",
            "ababababababab",
            "console2026!!",
        ] {
            assert_eq!(check(bad, &[]), Err(TOO_COMMON.into()), "{bad}");
        }
        assert_eq!(
            check("jane.doe-2026!", &["jane.doe@example.com"]),
            Err(TOO_COMMON.into())
        );
        assert_eq!(
            check("AcmeMediaAcme1", &["Acme Media"]),
            Err(TOO_COMMON.into())
        );
    }

    #[test]
    fn accepts_long_uncommon_passwords_with_spaces_and_unicode() {
        for ok in [
            "correct horse battery",
            "Tr0ub4dor&3-horse",
            "naïve café au lait",
            "9f8e7d6c5b4a3",
        ] {
            assert_eq!(check(ok, &["someone@example.com", "Acme"]), Ok(()), "{ok}");
        }
    }
}
