//! The audit log: the records the service writes (docs/rules/audit.md: who did what to which
//! target, before and after, from where; secrets never appear in them), and an entry as the
//! console shows it. Plain data, so the store takes them without knowing the service.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::IpAddr;

/// Where a request came from, as the server's middleware saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMeta {
    pub ip: IpAddr,
    pub user_agent: Option<String>,
    pub request_id: String,
}

impl RequestMeta {
    /// The server's own command line: no network, the loopback address.
    pub fn operator() -> RequestMeta {
        RequestMeta {
            ip: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            user_agent: Some("server (command line)".to_string()),
            request_id: String::new(),
        }
    }
}

/// Who acts. A principal is not always a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User {
        id: String,
        email: String,
    },
    /// An account API key calling the Provisioning API.
    AccountApiKey {
        api_key: String,
        name: String,
    },
    /// Someone not signed in (a failed sign-in, the setup page).
    Anonymous,
    /// The operator at the command line.
    Operator,
    /// The console itself (jobs, start-up).
    System,
    /// SAML single sign-on acting on what an identity provider said (JIT provisioning).
    Saml,
    /// A SCIM token (an identity provider provisioning users).
    ScimToken {
        id: String,
        name: String,
    },
}

impl Actor {
    pub fn kind(&self) -> &'static str {
        match self {
            Actor::User { .. } => "user",
            Actor::AccountApiKey { .. } => "account_api_key",
            Actor::Anonymous => "anonymous",
            Actor::Operator => "operator",
            Actor::System => "system",
            Actor::Saml => "saml",
            Actor::ScimToken { .. } => "scim_token",
        }
    }

    pub fn id(&self) -> Option<&str> {
        match self {
            Actor::User { id, .. } => Some(id),
            Actor::AccountApiKey { api_key, .. } => Some(api_key),
            Actor::ScimToken { id, .. } => Some(id),
            _ => None,
        }
    }

    pub fn label(&self) -> Option<&str> {
        match self {
            Actor::User { email, .. } => Some(email),
            Actor::AccountApiKey { name, .. } => Some(name),
            Actor::ScimToken { name, .. } => Some(name),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditTarget {
    pub kind: String,
    pub id: String,
    pub label: String,
}

impl AuditTarget {
    pub fn new(kind: &str, id: &str, label: &str) -> AuditTarget {
        AuditTarget {
            kind: kind.into(),
            id: id.into(),
            label: label.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditResult {
    Success,
    Failure,
    Denied,
}

impl AuditResult {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditResult::Success => "success",
            AuditResult::Failure => "failure",
            AuditResult::Denied => "denied",
        }
    }
}

/// One line of the audit log, as the service writes it.
#[derive(Debug, Clone)]
pub struct AuditRecord {
    pub account_id: Option<String>,
    pub at: i64,
    pub actor: Actor,
    /// `area.verb`: `user.create`, `auth.login_failure`, …
    pub action: String,
    pub target: Option<AuditTarget>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request: Option<RequestMeta>,
    pub result: AuditResult,
    /// For a refusal that may repeat: the same key within a minute adds to one record's
    /// count instead of appending another.
    pub repeat_key: Option<String>,
}

impl AuditRecord {
    pub fn new(action: &str, actor: Actor, at: i64, request: Option<&RequestMeta>) -> AuditRecord {
        AuditRecord {
            account_id: None,
            at,
            actor,
            action: action.into(),
            target: None,
            before: None,
            after: None,
            request: request.cloned(),
            result: AuditResult::Success,
            repeat_key: None,
        }
    }

    pub fn account(mut self, account_id: &str) -> Self {
        self.account_id = Some(account_id.into());
        self
    }

    pub fn target(mut self, target: AuditTarget) -> Self {
        self.target = Some(target);
        self
    }

    pub fn change(mut self, before: Option<Value>, after: Option<Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }

    /// Marks the record as one of a kind that may repeat: `key` names the actor and what
    /// was refused; records of the same key in the same minute become one, with a count.
    pub fn repeating(mut self, key: &str) -> Self {
        self.repeat_key = Some(format!("{key}@{}", self.at.div_euclid(60)));
        self
    }

    pub fn result(mut self, result: AuditResult) -> Self {
        self.result = result;
        self
    }
}

/// An audit record as the Audit log page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// The record's id (the export and the page go on from the last one).
    #[serde(default)]
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub ip: Option<String>,
    pub result: String,
    /// How many times it happened (repeated refusals within a minute are one record).
    #[serde(default = "one")]
    pub times: i64,
    /// The time in the viewer's time zone, as the page shows it (empty: show `at` in UTC).
    #[serde(default)]
    pub when: String,
}

fn one() -> i64 {
    1
}
