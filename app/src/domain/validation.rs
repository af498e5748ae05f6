//! Field-level validation errors shared by forms (client and server) and APIs.

use super::refusal::Refusal;
use serde::{Deserialize, Serialize};

/// One bad field and what is wrong with it, in words a user can act on. When the field is
/// refused by a rule rather than by its shape (a taken name, an asset guard), `reason`
/// says which, for the APIs that map reasons to statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Refusal>,
}

/// Every bad field of one submission. On any error nothing is saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
            reason: None,
        });
    }

    /// A field refused by a rule: its message is the reason's sentence.
    pub fn refuse(&mut self, field: &str, reason: Refusal) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: reason.to_string(),
            reason: Some(reason),
        });
    }

    /// A field refused by a rule, in words of its own for this form.
    pub fn refuse_in_words(&mut self, field: &str, message: impl Into<String>, reason: Refusal) {
        self.0.push(FieldError {
            field: field.to_string(),
            message: message.into(),
            reason: Some(reason),
        });
    }

    /// The field refused by `reason`: `Err(FieldErrors::refused("name", Refusal::KeyNameTaken))`.
    pub fn refused(field: &str, reason: Refusal) -> FieldErrors {
        let mut e = FieldErrors::new();
        e.refuse(field, reason);
        e
    }

    /// Records the error of a field check, if any, and returns its value otherwise.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// `Ok(())` when no field is bad.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<_> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

/// A trimmed name of `min..=max` characters without control characters.
pub fn name(value: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let v = value.trim();
    let len = v.chars().count();
    if len < min {
        return Err(if min == 1 {
            format!("{what} is required")
        } else {
            format!("{what} must be at least {min} characters")
        });
    }
    if len > max {
        return Err(format!("{what} must be at most {max} characters"));
    }
    if v.chars().any(char::is_control) {
        return Err(format!("{what} can't contain control characters"));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("  Acme  ", 1, 100, "Account name"), Ok("Acme".into()));
        assert_eq!(
            name("   ", 1, 100, "Account name"),
            Err("Account name is required".into())
        );
        assert!(name(&"a".repeat(101), 1, 100, "Account name").is_err());
        assert!(name("a\u{7}b", 1, 100, "Name").is_err());
        assert_eq!(name("", 0, 10, "Name"), Ok(String::new()));
    }

    #[test]
    fn field_errors_collect() {
        let mut e = FieldErrors::new();
        assert_eq!(e.check("a", Ok::<_, String>(1)), Some(1));
        assert_eq!(e.check::<i32>("b", Err("bad".into())), None);
        assert_eq!(e.get("b"), Some("bad"));
        assert!(e.into_result().is_err());
    }
}
