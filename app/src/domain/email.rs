//! Email addresses (docs/rules/users.md): the HTML `type=email` grammar, ≤ 254 chars, trimmed,
//! compared case-insensitively.

use serde::{Deserialize, Serialize};

/// A valid email address as the user typed it (trimmed). Compare with [`Email::normalized`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, String> {
        let v = input.trim();
        if v.is_empty() {
            return Err("Email is required".into());
        }
        if v.chars().count() > 254 {
            return Err("Email must be at most 254 characters".into());
        }
        if !is_html_email(v) {
            return Err("Enter a valid email address, like name@example.com".into());
        }
        Ok(Email(v.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used for uniqueness and look-ups.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }

    /// The part before `@`, a context word for the password blocklist.
    pub fn local_part(&self) -> &str {
        self.0.split('@').next().unwrap_or_default()
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The "valid email address" production of the HTML standard.
fn is_html_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    const LOCAL_SPECIALS: &str = ".!#$%&'*+/=?^_`{|}~-";
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || LOCAL_SPECIALS.contains(c));
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        });
    local_ok && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_refuses_like_a_browser() {
        for ok in [
            "a@b",
            "first.last+tag@example.co.uk",
            "  Admin@Example.COM ",
            "x_y@a-b.io",
        ] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", "   ", "plain", "a@", "@b.c", "a@b..c", "a@-b.c", "a b@c.d", "a@b_c.d", "a@@b",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&long).is_err());
    }

    #[test]
    fn normalizes_for_comparison() {
        let e = Email::parse(" Admin@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Admin@Example.COM");
        assert_eq!(e.normalized(), "admin@example.com");
        assert_eq!(e.local_part(), "Admin");
    }
}
