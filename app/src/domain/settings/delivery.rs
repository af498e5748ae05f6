//! The Backup, Optimization and Security pages.

use super::checks;
use crate::domain::ip_allowlist::{self, AllowedIp};
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupTarget {
    #[default]
    Internal,
    S3,
    Gcs,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BackupSettings {
    pub automatic_backup: bool,
    pub target: BackupTarget,
    /// Required for `s3` and `gcs`.
    pub bucket: String,
    pub prefix: String,
}

/// S3's bucket naming rules (GCS accepts the same names): 3–63 of `a-z 0-9 . -`, starting
/// and ending with a letter or digit, no `..`, not an IP address, not `xn--…`/`…-s3alias`.
fn bucket(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    let bad = |why: &str| Err(format!("\"{v}\" is not a valid bucket name: {why}"));
    if v.is_empty() {
        return Err("Bucket is required for this backup target".into());
    }
    if !(3..=63).contains(&v.len()) {
        return bad("use 3–63 characters");
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
    {
        return bad("use lowercase letters, digits, dots and hyphens");
    }
    let edge = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge(v.chars().next()) || !edge(v.chars().last()) {
        return bad("start and end with a letter or digit");
    }
    if v.contains("..") {
        return bad("no two dots in a row");
    }
    if v.parse::<std::net::Ipv4Addr>().is_ok() {
        return bad("it can't look like an IP address");
    }
    if v.starts_with("xn--") || v.ends_with("-s3alias") {
        return bad("reserved prefix or suffix");
    }
    Ok(v.to_string())
}

impl BackupSettings {
    pub(super) fn validate(self, e: &mut FieldErrors) -> BackupSettings {
        let external = self.target != BackupTarget::Internal;
        let bucket_v = if external {
            e.check("bucket", bucket(&self.bucket))
                .unwrap_or(self.bucket)
        } else {
            String::new()
        };
        let prefix = self.prefix.trim().trim_start_matches('/').to_string();
        if prefix.chars().count() > 1024 {
            e.add("prefix", "Prefix must be at most 1024 characters");
        } else if prefix.chars().any(char::is_control) {
            e.add("prefix", "Prefix can't contain control characters");
        }
        BackupSettings {
            automatic_backup: self.automatic_backup,
            target: self.target,
            bucket: bucket_v,
            prefix: if external { prefix } else { String::new() },
        }
    }
}

/// `auto` and its levels, or a fixed 1–100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Quality {
    #[default]
    Auto,
    AutoBest,
    AutoGood,
    AutoEco,
    AutoLow,
    Fixed(u8),
}

impl Quality {
    pub const LEVELS: [Quality; 5] = [
        Quality::Auto,
        Quality::AutoBest,
        Quality::AutoGood,
        Quality::AutoEco,
        Quality::AutoLow,
    ];

    /// As the delivery URL writes it (`auto:good`, `80`).
    pub fn as_param(self) -> String {
        match self {
            Quality::Auto => "auto".into(),
            Quality::AutoBest => "auto:best".into(),
            Quality::AutoGood => "auto:good".into(),
            Quality::AutoEco => "auto:eco".into(),
            Quality::AutoLow => "auto:low".into(),
            Quality::Fixed(n) => n.to_string(),
        }
    }

    pub fn parse(raw: &str) -> Result<Quality, String> {
        let v = raw.trim();
        if let Some(q) = Self::LEVELS.into_iter().find(|q| q.as_param() == v) {
            return Ok(q);
        }
        match v.parse::<u8>() {
            Ok(n @ 1..=100) => Ok(Quality::Fixed(n)),
            _ => Err(format!(
                "\"{v}\": choose auto, auto:best, auto:good, auto:eco, auto:low or 1–100"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptimizationSettings {
    pub default_image_quality: Quality,
    pub default_video_quality: Quality,
    pub auto_format: bool,
}

impl Default for OptimizationSettings {
    fn default() -> Self {
        OptimizationSettings {
            default_image_quality: Quality::Auto,
            default_video_quality: Quality::Auto,
            auto_format: true,
        }
    }
}

impl OptimizationSettings {
    pub(super) fn validate(self, e: &mut FieldErrors) -> OptimizationSettings {
        for (field, q) in [
            ("default_image_quality", self.default_image_quality),
            ("default_video_quality", self.default_video_quality),
        ] {
            if let Quality::Fixed(n) = q {
                if !(1..=100).contains(&n) {
                    e.add(field, "A fixed quality is 1–100");
                }
            }
        }
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryType {
    Upload,
    Private,
    Authenticated,
    Fetch,
}

impl DeliveryType {
    pub const ALL: [DeliveryType; 4] = [
        DeliveryType::Upload,
        DeliveryType::Private,
        DeliveryType::Authenticated,
        DeliveryType::Fetch,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            DeliveryType::Upload => "upload",
            DeliveryType::Private => "private",
            DeliveryType::Authenticated => "authenticated",
            DeliveryType::Fetch => "fetch",
        }
    }
}

pub const MAX_DOMAINS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SecuritySettings {
    pub strict_transformations: bool,
    /// Hosts allowed to use transformations not explicitly allowed (≤ 100).
    pub strict_transformation_domains: Vec<String>,
    pub restricted_delivery_types: Vec<DeliveryType>,
    pub block_pdf_zip_delivery: bool,
    /// Hosts `fetch` may fetch from (`*.example.com` allowed); empty: any.
    pub allowed_fetch_domains: Vec<String>,
    /// Admin API calls with this environment's keys only from these (empty: any).
    pub allowed_admin_api_ips: Vec<AllowedIp>,
}

impl SecuritySettings {
    pub(super) fn validate(self, e: &mut FieldErrors) -> SecuritySettings {
        let strict = e
            .check(
                "strict_transformation_domains",
                checks::list(
                    &self.strict_transformation_domains,
                    MAX_DOMAINS,
                    "domains",
                    |h| checks::hostname(h, false),
                ),
            )
            .unwrap_or(self.strict_transformation_domains);
        let fetch = e
            .check(
                "allowed_fetch_domains",
                checks::list(&self.allowed_fetch_domains, MAX_DOMAINS, "domains", |h| {
                    checks::hostname(h, true)
                }),
            )
            .unwrap_or(self.allowed_fetch_domains);
        let mut types: Vec<DeliveryType> = Vec::new();
        for t in self.restricted_delivery_types {
            if !types.contains(&t) {
                types.push(t);
            }
        }
        let ips = ip_allowlist::validate(self.allowed_admin_api_ips, "allowed_admin_api_ips", e);
        SecuritySettings {
            strict_transformations: self.strict_transformations,
            strict_transformation_domains: strict,
            restricted_delivery_types: types,
            block_pdf_zip_delivery: self.block_pdf_zip_delivery,
            allowed_fetch_domains: fetch,
            allowed_admin_api_ips: ips,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_needs_a_bucket_outside() {
        let mut e = FieldErrors::new();
        let s = BackupSettings {
            automatic_backup: true,
            target: BackupTarget::S3,
            bucket: "My_Bucket".into(),
            prefix: String::new(),
        };
        s.validate(&mut e);
        assert!(e.get("bucket").unwrap().contains("lowercase"));
        let mut e = FieldErrors::new();
        let s = BackupSettings {
            target: BackupTarget::Gcs,
            bucket: "media-backups.acme".into(),
            prefix: "/nightly".into(),
            ..Default::default()
        }
        .validate(&mut e);
        assert!(e.is_empty());
        assert_eq!(s.prefix, "nightly");
        for b in ["ab", "192.168.1.1", "a..b", "-ab", "xn--abc"] {
            assert!(bucket(b).is_err(), "{b}");
        }
        let mut e = FieldErrors::new();
        BackupSettings {
            target: BackupTarget::S3,
            ..Default::default()
        }
        .validate(&mut e);
        assert!(e.get("bucket").unwrap().contains("required"));
    }

    #[test]
    fn quality() {
        assert_eq!(Quality::parse("auto:eco"), Ok(Quality::AutoEco));
        assert_eq!(Quality::parse("80"), Ok(Quality::Fixed(80)));
        assert!(Quality::parse("0").is_err() && Quality::parse("auto:max").is_err());
        let mut e = FieldErrors::new();
        OptimizationSettings {
            default_image_quality: Quality::Fixed(101),
            ..Default::default()
        }
        .validate(&mut e);
        assert!(e.get("default_image_quality").is_some());
    }

    #[test]
    fn security_lists() {
        let mut e = FieldErrors::new();
        let s = SecuritySettings {
            strict_transformation_domains: vec!["Shop.Example.com".into()],
            allowed_fetch_domains: vec!["*.cdn.example.com".into(), "bad_host".into()],
            restricted_delivery_types: vec![DeliveryType::Fetch, DeliveryType::Fetch],
            ..Default::default()
        }
        .validate(&mut e);
        assert_eq!(s.strict_transformation_domains, ["shop.example.com"]);
        assert_eq!(s.restricted_delivery_types, [DeliveryType::Fetch]);
        assert!(e.get("allowed_fetch_domains").unwrap().contains("bad_host"));
    }
}
