//! The Webhook notifications page: up to 30 URLs, each notified of all events or some.

use super::checks;
use crate::domain::FieldErrors;
use serde::{Deserialize, Serialize};

pub const MAX_WEBHOOK_URLS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookEvent {
    Upload,
    Delete,
    Rename,
    Tags,
    Context,
    Metadata,
    Moderation,
}

impl WebhookEvent {
    pub const ALL: [WebhookEvent; 7] = [
        WebhookEvent::Upload,
        WebhookEvent::Delete,
        WebhookEvent::Rename,
        WebhookEvent::Tags,
        WebhookEvent::Context,
        WebhookEvent::Metadata,
        WebhookEvent::Moderation,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            WebhookEvent::Upload => "upload",
            WebhookEvent::Delete => "delete",
            WebhookEvent::Rename => "rename",
            WebhookEvent::Tags => "tags",
            WebhookEvent::Context => "context",
            WebhookEvent::Metadata => "metadata",
            WebhookEvent::Moderation => "moderation",
        }
    }
}

/// A notification URL by itself (for *Send test*): `https` unless the operator allows
/// `http`, ≤ 2048 characters, no user-info.
pub fn webhook_url(raw: &str, allow_http: bool) -> Result<String, String> {
    checks::web_url(raw, !allow_http, "Notification URL")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookUrl {
    pub url: String,
    /// Notified of every event type; otherwise of `events` only.
    pub all: bool,
    pub events: Vec<WebhookEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WebhookSettings {
    pub urls: Vec<WebhookUrl>,
}

impl WebhookSettings {
    pub(super) fn validate(self, allow_http: bool, e: &mut FieldErrors) -> WebhookSettings {
        if self.urls.len() > MAX_WEBHOOK_URLS {
            e.add(
                "urls",
                format!("At most {MAX_WEBHOOK_URLS} notification URLs per product environment"),
            );
        }
        let mut urls: Vec<WebhookUrl> = Vec::new();
        for (i, u) in self.urls.into_iter().enumerate() {
            let url = match webhook_url(&u.url, allow_http) {
                Ok(v) if urls.iter().any(|o| o.url == v) => {
                    e.add(&format!("urls.{i}.url"), format!("{v} is listed twice"));
                    v
                }
                Ok(v) => v,
                Err(m) => {
                    e.add(&format!("urls.{i}.url"), m);
                    u.url
                }
            };
            let mut events: Vec<WebhookEvent> = Vec::new();
            if !u.all {
                for ev in WebhookEvent::ALL {
                    if u.events.contains(&ev) {
                        events.push(ev);
                    }
                }
                if events.is_empty() {
                    e.add(
                        &format!("urls.{i}.events"),
                        "Choose All or at least one notification type",
                    );
                }
            }
            urls.push(WebhookUrl {
                url,
                all: u.all,
                events,
            });
        }
        WebhookSettings { urls }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(u: &str, all: bool, events: Vec<WebhookEvent>) -> WebhookUrl {
        WebhookUrl {
            url: u.into(),
            all,
            events,
        }
    }

    #[test]
    fn urls_follow_the_rules() {
        let mut e = FieldErrors::new();
        let s = WebhookSettings {
            urls: vec![
                url(
                    "https://hooks.example.com/a",
                    false,
                    vec![WebhookEvent::Tags, WebhookEvent::Upload],
                ),
                url("http://hooks.example.com/b", true, vec![]),
                url("https://user:pw@hooks.example.com", true, vec![]),
                url("https://hooks.example.com/a", true, vec![]),
                url("https://hooks.example.com/c", false, vec![]),
            ],
        }
        .validate(false, &mut e);
        assert_eq!(s.urls[0].events, [WebhookEvent::Upload, WebhookEvent::Tags]);
        assert!(e.get("urls.0.url").is_none());
        assert!(e.get("urls.1.url").unwrap().contains("https"));
        assert!(e.get("urls.2.url").unwrap().contains("user name"));
        assert!(e.get("urls.3.url").unwrap().contains("twice"));
        assert!(e.get("urls.4.events").is_some());
        let mut e = FieldErrors::new();
        WebhookSettings {
            urls: vec![url("http://hooks.example.com/b", true, vec![])],
        }
        .validate(true, &mut e);
        assert!(e.is_empty());
    }

    #[test]
    fn at_most_thirty() {
        let mut e = FieldErrors::new();
        WebhookSettings {
            urls: (0..31)
                .map(|i| url(&format!("https://h.example.com/{i}"), true, vec![]))
                .collect(),
        }
        .validate(false, &mut e);
        assert!(e.get("urls").is_some());
    }
}
