//! What the audit log page asks for (docs/rules/audit.md#the-audit-log-page): filters by time,
//! actor, action and target, and a keyset cursor (the last record id seen).

use super::audit::AuditEntry;
use super::FieldErrors;
use serde::{Deserialize, Serialize};

/// Records on one page of the audit log.
pub const AUDIT_PAGE_SIZE: usize = 50;

/// The filters, checked. Empty filters match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// From this time (Unix seconds, inclusive).
    pub from: Option<i64>,
    /// Before this time (Unix seconds, exclusive).
    pub to: Option<i64>,
    /// The actor's email or label (`operator`, `system`, an account API key's name), exactly.
    pub actor: Option<String>,
    /// An action (`user.delete`), or an area with a dot (`user.`) for all its actions.
    pub action: Option<String>,
    /// The target's id or label, exactly.
    pub target: Option<String>,
    /// Records older than this id (the cursor of the next page).
    pub before_id: Option<i64>,
}

/// The filters as typed (every field a string, as a form sends them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilterInput {
    pub from: String,
    pub to: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub after: String,
}

impl AuditFilterInput {
    /// Checks the typed filters; times are Unix seconds (the page converts from the viewer's
    /// time zone before sending).
    pub fn check(&self) -> Result<AuditFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let time = |s: &str, field: &str, e: &mut FieldErrors| {
            let s = s.trim();
            if s.is_empty() {
                return None;
            }
            match s.parse::<i64>().ok().or_else(|| utc_minute(s)) {
                Some(t) if (0..=253_402_300_799).contains(&t) => Some(t),
                _ => {
                    e.add(field, "Enter a date and time (UTC), like 2026-11-28T09:30");
                    None
                }
            }
        };
        let from = time(&self.from, "from", &mut e);
        let to = time(&self.to, "to", &mut e);
        if let (Some(f), Some(t)) = (from, to) {
            if t <= f {
                e.add("to", "The end must be after the start");
            }
        }
        let text = |s: &str, field: &str, e: &mut FieldErrors| {
            let s = s.trim();
            if s.chars().count() > 200 {
                e.add(field, "At most 200 characters");
                return None;
            }
            (!s.is_empty()).then(|| s.to_string())
        };
        let actor = text(&self.actor, "actor", &mut e);
        let action = text(&self.action, "action", &mut e).map(|a| a.to_ascii_lowercase());
        let target = text(&self.target, "target", &mut e);
        let before_id = match self.after.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    e.add("after", "Start again from the first page");
                    None
                }
            },
        };
        e.into_result()?;
        Ok(AuditFilter {
            from,
            to,
            actor,
            action,
            target,
            before_id,
        })
    }
}

/// `2026-11-28T09:30` (or with seconds, or a space for the `T`) read as UTC: what a
/// `datetime-local` field sends.
fn utc_minute(s: &str) -> Option<i64> {
    use time::macros::format_description;
    let s = s.replace(' ', "T");
    let with_seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::PrimitiveDateTime::parse(&s, with_seconds)
        .or_else(|_| time::PrimitiveDateTime::parse(&s, minutes))
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// The same time as a `datetime-local` value, in UTC.
pub fn utc_field(at: i64) -> String {
    use time::macros::format_description;
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
                .ok()
        })
        .unwrap_or_default()
}

/// One page of records, newest first, and the cursor of the next (`None`: the last page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub records: Vec<AuditEntry>,
    pub next: Option<i64>,
    /// The time zone the records' times are in.
    #[serde(default)]
    pub time_zone: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_filters_are_checked_and_trimmed() {
        let f = AuditFilterInput {
            from: "100".into(),
            to: " 200 ".into(),
            actor: " ana@example.com ".into(),
            action: "User.".into(),
            target: "".into(),
            after: "42".into(),
        }
        .check()
        .unwrap();
        assert_eq!(f.from, Some(100));
        assert_eq!(f.actor.as_deref(), Some("ana@example.com"));
        assert_eq!(f.action.as_deref(), Some("user."));
        assert_eq!(f.target, None);
        assert_eq!(f.before_id, Some(42));
        let bad = AuditFilterInput {
            from: "200".into(),
            to: "100".into(),
            after: "-3".into(),
            actor: "x".repeat(201),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        for field in ["to", "after", "actor"] {
            assert!(bad.get(field).is_some(), "{field}");
        }
        let typed = AuditFilterInput {
            from: "2026-11-28T09:30".into(),
            to: "2026-11-28 10:00:30".into(),
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(typed.from, Some(1_795_858_200));
        assert_eq!(typed.to, Some(1_795_860_030));
        assert_eq!(utc_field(1_795_858_200), "2026-11-28T09:30");
        let bad = AuditFilterInput {
            from: "yesterday".into(),
            ..Default::default()
        }
        .check()
        .unwrap_err();
        assert!(bad.get("from").is_some());
    }
}
