//! SAML single sign-on (docs/rules/saml.md): the settings as shown and as typed, the email
//! domains, the attributes a sign-in brings, and why a response was refused (audited; the
//! browser sees one sentence).

use super::validation::FieldErrors;
use super::Role;
use serde::{Deserialize, Serialize};

/// A sign-in request awaiting its response this long (seconds).
pub const REQUEST_LIFETIME: i64 = 10 * 60;
/// Clock skew allowed against the identity provider's times (seconds).
pub const CLOCK_SKEW: i64 = 2 * 60;
/// How many email domains an account may list.
pub const MAX_DOMAINS: usize = 50;
/// The largest metadata document accepted (bytes).
pub const MAX_METADATA_BYTES: usize = 512 * 1024;
/// The largest `SAMLResponse` accepted (bytes, base64).
pub const MAX_RESPONSE_BYTES: usize = 256 * 1024;
/// Metadata given by URL is fetched again this often (seconds).
pub const METADATA_REFRESH: i64 = 24 * 3600;

/// Our side, for the identity provider's administrator to copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceProviderValues {
    pub entity_id: String,
    pub acs_url: String,
    pub name_id_format: String,
}

impl ServiceProviderValues {
    pub fn for_base(public_url: &str) -> Self {
        let base = public_url.trim_end_matches('/');
        Self {
            entity_id: format!("{base}/saml/metadata"),
            acs_url: format!("{base}/saml/acs"),
            name_id_format: NAME_ID_EMAIL.to_string(),
        }
    }
}

pub const NAME_ID_EMAIL: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress";

/// The settings as Account security shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlSettings {
    /// Whether the plan has SAML single sign-on (and JIT provisioning).
    pub available: bool,
    pub jit_available: bool,
    pub enabled: bool,
    /// The identity provider, as its metadata names it (`None`: not configured).
    pub idp_entity_id: Option<String>,
    pub idp_sso_url: Option<String>,
    pub metadata_url: Option<String>,
    pub metadata_xml: String,
    pub metadata_fetched_at: Option<i64>,
    pub metadata_error: Option<String>,
    pub domains: Vec<String>,
    pub enforce: bool,
    pub jit: bool,
    pub jit_default_role: Role,
    pub service_provider: ServiceProviderValues,
}

/// The settings as typed (page, CLI): metadata by URL or pasted XML.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SamlSettingsInput {
    pub enabled: bool,
    pub metadata_url: String,
    pub metadata_xml: String,
    /// One domain per line, or separated by commas or spaces.
    pub domains: String,
    pub enforce: bool,
    pub jit: bool,
    pub jit_default_role: String,
}

/// Where the identity provider's metadata comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetadataSource {
    Url(url::Url),
    Xml(String),
}

/// The typed settings once their text is checked (the metadata is checked by the service,
/// which reads it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedSamlInput {
    pub enabled: bool,
    pub source: MetadataSource,
    pub domains: Vec<String>,
    pub enforce: bool,
    pub jit: bool,
    pub jit_default_role: Role,
}

impl SamlSettingsInput {
    /// Checks everything but the metadata's content, field by field.
    pub fn check(&self) -> Result<CheckedSamlInput, FieldErrors> {
        let mut e = FieldErrors::new();
        let source = e.check(
            "metadata",
            metadata_source(&self.metadata_url, &self.metadata_xml),
        );
        let domains = e.check("domains", parse_domains(&self.domains));
        if self.enabled && domains.as_ref().is_some_and(Vec::is_empty) {
            e.add(
                "domains",
                "List at least one email domain that signs in with SSO",
            );
        }
        let role = self.jit_default_role.trim();
        let role = if role.is_empty() {
            Some(Role::MediaLibraryUser)
        } else {
            e.check("jit_default_role", jit_role(role))
        };
        if self.enforce && !self.enabled {
            e.add("enforce", "Turn SAML login on to enforce it");
        }
        if self.jit && !self.enabled {
            e.add("jit", "Turn SAML login on to provision users with it");
        }
        e.into_result()?;
        match (source, domains, role) {
            (Some(source), Some(domains), Some(jit_default_role)) => Ok(CheckedSamlInput {
                enabled: self.enabled,
                source,
                domains,
                enforce: self.enforce,
                jit: self.jit,
                jit_default_role,
            }),
            _ => Err(FieldErrors::new()),
        }
    }
}

fn metadata_source(url: &str, xml: &str) -> Result<MetadataSource, String> {
    let (url, xml) = (url.trim(), xml.trim());
    match (url.is_empty(), xml.is_empty()) {
        (true, true) => Err("Give the identity provider's metadata: its URL or its XML".into()),
        (false, false) => Err("Give the metadata's URL or its XML, not both".into()),
        (false, true) => {
            let parsed = url::Url::parse(url).map_err(|_| {
                "Enter the metadata's full URL, like https://idp.example.com/metadata"
            })?;
            if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
                return Err("The metadata URL must start with https://".into());
            }
            if !parsed.username().is_empty() || parsed.password().is_some() {
                return Err("The metadata URL can't hold a user name or password".into());
            }
            Ok(MetadataSource::Url(parsed))
        }
        (true, false) if xml.len() > MAX_METADATA_BYTES => {
            Err("The metadata is larger than 512 KB".into())
        }
        (true, false) => Ok(MetadataSource::Xml(xml.to_string())),
    }
}

/// The role JIT gives when the assertion names none: any but Master admin.
pub fn jit_role(name: &str) -> Result<Role, String> {
    match Role::from_api_str(name.trim()) {
        Some(Role::MasterAdmin) => Err("SAML provisioning never makes a Master admin".into()),
        Some(role) => Ok(role),
        None => Err(format!("Unknown role: {name}")),
    }
}

/// Email domains, one per line or separated by commas or spaces: lower-cased, each a
/// host name of at least two labels, no duplicates, at most [`MAX_DOMAINS`].
pub fn parse_domains(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c == ',' || c.is_whitespace()) {
        let d = raw.trim().trim_start_matches('@').to_lowercase();
        if d.is_empty() {
            continue;
        }
        if !is_domain(&d) {
            return Err(format!("{raw} isn't an email domain, like example.com"));
        }
        if !out.contains(&d) {
            out.push(d);
        }
    }
    if out.len() > MAX_DOMAINS {
        return Err(format!("At most {MAX_DOMAINS} domains"));
    }
    Ok(out)
}

fn is_domain(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    d.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|t| t.chars().any(|c| c.is_ascii_alphabetic()))
}

/// The domain of an email address, lower-cased.
pub fn email_domain(email: &str) -> Option<String> {
    email.rsplit_once('@').map(|(_, d)| d.trim().to_lowercase())
}

/// Why a response was refused: written to the audit log; the browser sees one sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum SamlFailure {
    #[error("the response is missing, too large or not base64 XML")]
    Malformed,
    #[error("the XML has a document type declaration or an entity")]
    DocumentType,
    #[error("no account's SAML settings name the issuer {issuer}")]
    UnknownIssuer { issuer: String },
    #[error("SAML login is off for the account")]
    Off,
    #[error("InResponseTo names no pending sign-in request")]
    UnknownRequest,
    #[error("the signature is missing, isn't the identity provider's, or uses a weak algorithm")]
    Signature,
    #[error("the response was refused: {reason}")]
    Invalid { reason: String },
    #[error("the assertion's audience isn't this console")]
    Audience,
    #[error("the assertion {id} was used before")]
    Replayed { id: String },
    #[error("the assertion names no email")]
    NoEmail,
    #[error("no user has this email and SAML provisioning is off")]
    UnknownUser,
    #[error("the user is disabled")]
    Disabled,
    #[error("no seats are free for a new user")]
    NoSeats,
}

/// What an assertion says about its user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SamlIdentity {
    /// The immutable key: the `username` attribute, else the NameID.
    pub username: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub name: Option<String>,
    pub role: Option<String>,
    /// Environment ids or cloud names, or `["all"]`.
    pub sub_account_ids: Option<Vec<String>>,
    pub groups: Option<Vec<String>>,
}

impl SamlIdentity {
    /// From the NameID and the attributes (name, values): the names of §8.2, also under
    /// their common URI forms' last segment (`…/claims/emailaddress` is `email`).
    pub fn from_assertion(
        name_id: Option<&str>,
        attributes: &[(String, Vec<String>)],
    ) -> Result<SamlIdentity, SamlFailure> {
        let find = |names: &[&str]| -> Option<Vec<String>> {
            attributes
                .iter()
                .find(|(n, _)| {
                    let short = n.rsplit(['/', ':']).next().unwrap_or(n).to_lowercase();
                    names.iter().any(|w| short == *w)
                })
                .map(|(_, v)| {
                    v.iter()
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
        };
        let one = |names: &[&str]| find(names).and_then(|v| v.into_iter().next());
        let name_id = name_id.map(str::trim).filter(|s| !s.is_empty());
        let email = one(&["email", "emailaddress", "mail"])
            .or_else(|| name_id.filter(|n| n.contains('@')).map(str::to_string))
            .and_then(|e| super::Email::parse(&e).ok())
            .ok_or(SamlFailure::NoEmail)?;
        let username = one(&["username"])
            .or_else(|| name_id.map(str::to_string))
            .unwrap_or_else(|| email.normalized());
        Ok(SamlIdentity {
            username,
            email: email.as_str().to_string(),
            first_name: one(&["first_name", "givenname", "firstname"]),
            last_name: one(&["last_name", "surname", "lastname"]),
            name: one(&["name", "displayname"]),
            role: one(&["role"]),
            sub_account_ids: find(&["sub_account_ids"]),
            groups: find(&["groups"]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_lower_cased_deduplicated_and_checked() {
        assert_eq!(
            parse_domains("Example.com, media.example.org\n@example.com").unwrap(),
            vec!["example.com", "media.example.org"]
        );
        assert!(parse_domains("localhost").is_err());
        assert!(parse_domains("exa mple").is_err());
        assert!(parse_domains("-bad.com").is_err());
        assert!(parse_domains("1.2.3.4").is_err());
        let many: Vec<String> = (0..51).map(|i| format!("d{i}.com")).collect();
        assert!(parse_domains(&many.join(",")).is_err());
    }

    #[test]
    fn settings_need_one_source_of_metadata_and_domains_when_on() {
        let mut input = SamlSettingsInput {
            enabled: true,
            metadata_xml: "<md/>".into(),
            domains: "example.com".into(),
            ..Default::default()
        };
        assert!(input.check().is_ok());
        input.metadata_url = "https://idp.example.com/m".into();
        assert_eq!(input.check().unwrap_err().0[0].field, "metadata");
        input.metadata_xml.clear();
        assert!(matches!(
            input.check().unwrap().source,
            MetadataSource::Url(_)
        ));
        input.metadata_url = "ftp://idp.example.com/m".into();
        assert!(input.check().is_err());
        input.metadata_url = "https://idp.example.com/m".into();
        input.domains.clear();
        assert_eq!(input.check().unwrap_err().0[0].field, "domains");
        input.domains = "example.com".into();
        input.jit_default_role = "master_admin".into();
        assert_eq!(input.check().unwrap_err().0[0].field, "jit_default_role");
        input.jit_default_role = "admin".into();
        assert_eq!(input.check().unwrap().jit_default_role, Role::Admin);
        input.enabled = false;
        input.enforce = true;
        assert_eq!(input.check().unwrap_err().0[0].field, "enforce");
    }

    #[test]
    fn identity_from_attributes_or_the_name_id() {
        let attrs = vec![
            ("username".to_string(), vec!["u-1".to_string()]),
            (
                "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress".to_string(),
                vec!["Ann@Example.com".to_string()],
            ),
            (
                "groups".to_string(),
                vec!["Editors".into(), "".into(), "Video".into()],
            ),
        ];
        let id = SamlIdentity::from_assertion(Some("ann@example.com"), &attrs).unwrap();
        assert_eq!(id.username, "u-1");
        assert_eq!(id.email, "Ann@Example.com");
        assert_eq!(id.groups, Some(vec!["Editors".into(), "Video".into()]));
        assert_eq!(id.sub_account_ids, None);
        let id = SamlIdentity::from_assertion(Some("bo@example.com"), &[]).unwrap();
        assert_eq!(
            (id.username.as_str(), id.email.as_str()),
            ("bo@example.com", "bo@example.com")
        );
        assert_eq!(
            SamlIdentity::from_assertion(Some("opaque-id"), &[]),
            Err(SamlFailure::NoEmail)
        );
        assert_eq!(
            email_domain("a@Media.Example.com").as_deref(),
            Some("media.example.com")
        );
    }
}
