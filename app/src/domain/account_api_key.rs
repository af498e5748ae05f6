//! Account API keys (docs/rules/account.md#accounts-and-plans): the Provisioning API's credentials.
//! A key acts as a Master admin over every product environment, through the Provisioning API only.

use serde::{Deserialize, Serialize};

/// An account holds at most this many keys.
pub const MAX_ACCOUNT_API_KEYS: usize = 5;

/// A key as the settings page lists it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountApiKeySummary {
    pub api_key: String,
    pub name: String,
    pub enabled: bool,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// A new key with its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountKeySecret {
    pub account_id: String,
    pub key: AccountApiKeySummary,
    pub secret: String,
    /// `account://<key>:<secret>@<account id>`: what the official SDKs read from
    /// `CLOUDINARY_ACCOUNT_URL`.
    pub account_url: String,
}

/// The SDKs' `CLOUDINARY_ACCOUNT_URL` for a key.
pub fn account_url(account_id: &str, key: &str, secret: &str) -> String {
    format!("account://{key}:{secret}@{account_id}")
}

/// A key's name: 1–100 characters after trimming.
pub fn key_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("Name is required".into()),
        n if n > 100 => Err("Name must be at most 100 characters".into()),
        _ => Ok(name.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(key_name("  CI  ").as_deref(), Ok("CI"));
        assert!(key_name("   ").is_err());
        assert!(key_name(&"x".repeat(101)).is_err());
        assert!(key_name(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn the_account_url_is_what_the_sdks_parse() {
        assert_eq!(
            account_url("abc", "123456789012345", "s3cr3t"),
            "account://123456789012345:s3cr3t@abc"
        );
    }
}
