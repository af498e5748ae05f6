//! Product environments and their API keys (docs/rules/environments.md#product-environments, §3):
//! the shapes the console shows and the rules of their fields.

use super::permission::Permission;
use super::role::Role;
use super::user::EnvironmentAccess;
use serde::{Deserialize, Serialize};

/// Most API keys in one product environment.
pub const MAX_KEYS_PER_ENVIRONMENT: usize = 20;
/// Environments with this many assets can't be deleted or change cloud name.
pub const ASSET_GUARD: i64 = 1000;

/// May a user reach this environment (docs/rules/roles.md#environment-access)? It must be in their
/// access, and a disabled one only with `environments.manage` (to enable it again).
pub fn reaches(
    role: Role,
    access: &EnvironmentAccess,
    environment_id: &str,
    enabled: bool,
) -> bool {
    let listed = match access {
        EnvironmentAccess::All => true,
        EnvironmentAccess::Only(ids) => ids.iter().any(|id| id == environment_id),
    };
    listed && (enabled || role.has(Permission::EnvironmentsManage))
}

/// Adding or deleting product environments needs `environments.manage` and access to all
/// of them (docs/rules/roles.md#environment-access).
pub fn may_add_or_delete(role: Role, access: &EnvironmentAccess) -> bool {
    role.has(Permission::EnvironmentsManage) && *access == EnvironmentAccess::All
}

/// A cloud name: 3–64 of `a-z 0-9 _ -`, starting with a letter, stored lowercase.
pub fn cloud_name(raw: &str) -> Result<String, String> {
    let v = raw.trim().to_lowercase();
    let n = v.chars().count();
    if !(3..=64).contains(&n) {
        return Err("Cloud name must be 3 to 64 characters".into());
    }
    if !v.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Err("Cloud name must start with a letter".into());
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err("Cloud name may only contain a-z, 0-9, _ and -".into());
    }
    Ok(v)
}

/// Custom attributes: a JSON object of at most 8 KB.
pub fn custom_attributes(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok("{}".into());
    }
    if raw.len() > 8 * 1024 {
        return Err("Custom attributes must be at most 8 KB".into());
    }
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(v @ serde_json::Value::Object(_)) => Ok(v.to_string()),
        Ok(_) => Err("Custom attributes must be a JSON object, like {\"team\": \"web\"}".into()),
        Err(e) => Err(format!("Custom attributes aren't valid JSON: {e}")),
    }
}

/// One product environment as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvironmentSummary {
    pub id: String,
    pub name: String,
    pub cloud_name: String,
    pub description: String,
    pub custom_attributes: String,
    pub enabled: bool,
    pub key_count: i64,
    /// As the media platform last reported it; `None` until it has.
    pub asset_count: Option<i64>,
    pub created_at: i64,
}

/// What an API key may call (docs/rules/environments.md#api-keys, granular permissions on paid
/// plans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiScope {
    UploadApi,
    AdminApiRead,
    AdminApiWrite,
}

impl ApiScope {
    pub const ALL: [ApiScope; 3] = [
        ApiScope::UploadApi,
        ApiScope::AdminApiRead,
        ApiScope::AdminApiWrite,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ApiScope::UploadApi => "upload_api",
            ApiScope::AdminApiRead => "admin_api_read",
            ApiScope::AdminApiWrite => "admin_api_write",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ApiScope::UploadApi => "Upload API",
            ApiScope::AdminApiRead => "Admin API (read)",
            ApiScope::AdminApiWrite => "Admin API (write)",
        }
    }

    pub fn parse(s: &str) -> Option<ApiScope> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A key's permissions: everything, or a non-empty subset of the scopes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyPermissions {
    Full,
    Restricted(Vec<ApiScope>),
}

impl KeyPermissions {
    /// Stored form: `full`, or the scopes joined by commas (in catalogue order).
    pub fn to_stored(&self) -> String {
        match self {
            KeyPermissions::Full => "full".into(),
            KeyPermissions::Restricted(s) => ApiScope::ALL
                .into_iter()
                .filter(|x| s.contains(x))
                .map(ApiScope::as_str)
                .collect::<Vec<_>>()
                .join(","),
        }
    }

    pub fn from_stored(s: &str) -> KeyPermissions {
        if s == "full" {
            return KeyPermissions::Full;
        }
        KeyPermissions::Restricted(s.split(',').filter_map(ApiScope::parse).collect())
    }

    /// From a form: `full`, or `restricted` with the ticked scopes (at least one).
    pub fn from_form(mode: &str, scopes: &[String]) -> Result<KeyPermissions, String> {
        match mode.trim() {
            "" | "full" => Ok(KeyPermissions::Full),
            "restricted" => {
                let mut out = Vec::new();
                for s in scopes {
                    let scope = ApiScope::parse(s.trim())
                        .ok_or_else(|| format!("Unknown permission \"{}\"", s.trim()))?;
                    if !out.contains(&scope) {
                        out.push(scope);
                    }
                }
                if out.is_empty() {
                    return Err("Choose at least one permission for a restricted key".into());
                }
                // Catalogue order, so equal choices compare equal.
                let ordered = ApiScope::ALL
                    .into_iter()
                    .filter(|s| out.contains(s))
                    .collect();
                Ok(KeyPermissions::Restricted(ordered))
            }
            other => Err(format!("Unknown permission mode \"{other}\"")),
        }
    }

    pub fn label(&self) -> String {
        match self {
            KeyPermissions::Full => "Full access".into(),
            KeyPermissions::Restricted(s) => {
                s.iter().map(|x| x.label()).collect::<Vec<_>>().join(", ")
            }
        }
    }
}

/// One API key as the console lists it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeySummary {
    pub api_key: String,
    pub name: String,
    pub enabled: bool,
    pub root: bool,
    pub dedicated_for_webhooks: bool,
    pub permissions: KeyPermissions,
    pub created_at: i64,
}

/// A key just generated, or a secret just revealed: the only times the secret leaves
/// the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySecret {
    pub key: ApiKeySummary,
    pub api_secret: String,
    /// `cloudinary://<api_key>:<api_secret>@<cloud_name>`
    pub cloudinary_url: String,
}

/// A secret shown in lists.
pub const MASKED_SECRET: &str = "••••••••••••••••";

/// The environment-variable form of a key (docs/rules/environments.md#api-keys).
pub fn cloudinary_url(api_key: &str, api_secret: &str, cloud_name: &str) -> String {
    format!("cloudinary://{api_key}:{api_secret}@{cloud_name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_names_follow_the_rules() {
        assert_eq!(cloud_name(" Acme-Prod_1 ").as_deref(), Ok("acme-prod_1"));
        for bad in ["ab", "1acme", "-acme", "acme prod", "acmé", &"a".repeat(65)] {
            assert!(cloud_name(bad).is_err(), "{bad}");
        }
        assert!(cloud_name(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn custom_attributes_are_a_small_json_object() {
        assert_eq!(custom_attributes("").as_deref(), Ok("{}"));
        assert_eq!(custom_attributes("{\"a\": 1}").as_deref(), Ok("{\"a\":1}"));
        assert!(custom_attributes("[1]").is_err());
        assert!(custom_attributes("{").is_err());
        let big = format!("{{\"a\": \"{}\"}}", "x".repeat(9000));
        assert!(custom_attributes(&big).is_err());
    }

    #[test]
    fn key_permissions_round_trip_and_refuse_an_empty_restriction() {
        let p = KeyPermissions::from_form(
            "restricted",
            &["admin_api_read".into(), "upload_api".into()],
        )
        .unwrap();
        assert_eq!(p.to_stored(), "upload_api,admin_api_read");
        assert_eq!(KeyPermissions::from_stored(&p.to_stored()), p);
        assert_eq!(
            KeyPermissions::from_form("full", &[]),
            Ok(KeyPermissions::Full)
        );
        assert!(KeyPermissions::from_form("restricted", &[]).is_err());
        assert!(KeyPermissions::from_form("restricted", &["root".into()]).is_err());
        assert!(KeyPermissions::from_form("sometimes", &[]).is_err());
    }
}
