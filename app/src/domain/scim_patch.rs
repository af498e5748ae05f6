//! What a SCIM PATCH or PUT of a user asks for (RFC 7644 §3.5; docs/rules/scim.md#changing-users),
//! as the big identity providers really send it: Entra ID's capitalized `op` values
//! (`"Replace"`), booleans as strings (`"False"`), value-filter paths
//! (`emails[type eq "work"].value`), operations without a path whose value is an object, and
//! Okta's PUT of the whole user to deactivate it.

use serde_json::Value;

/// The changes to a user: `None` leaves an attribute as it is; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChanges {
    pub active: Option<bool>,
    pub display_name: Option<Option<String>>,
    /// `name.formatted`.
    pub formatted: Option<Option<String>>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub external_id: Option<Option<String>>,
    /// A new `userName` (the identity provider's login name: often the email, not always).
    pub user_name: Option<String>,
    /// A new email: the primary one of `emails` (else the work one, else the first).
    pub email: Option<String>,
    /// The `type` and `primary` sent with that email (a JSON object), when sent as an entry
    /// of `emails`.
    pub email_attributes: Option<String>,
}

impl UserChanges {
    /// The console's display name this change gives: `displayName`, else `name.formatted`
    /// when `displayName` isn't part of it.
    pub fn console_name(&self) -> Option<Option<String>> {
        match (&self.display_name, &self.formatted) {
            (Some(Some(d)), _) => Some(Some(d.clone())),
            (_, Some(Some(f))) => Some(Some(f.clone())),
            (d, f) => d.clone().or_else(|| f.clone()),
        }
    }

    /// The email a new user gets: the one in `emails`, else a `userName` that is one.
    pub fn new_email(&self) -> Option<String> {
        self.email
            .clone()
            .or_else(|| self.user_name.clone().filter(|n| n.contains('@')))
    }
}

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// The enterprise User extension (RFC 7643 §4.3): Entra ID and Okta send its attributes
/// (department, manager, …); the console keeps none of them, so they are read past.
pub const ENTERPRISE_USER_SCHEMA: &str =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// A body's `schemas`, when it has them, name only `allowed` URNs (any case); an unknown one
/// is refused (`invalidSyntax`: the body doesn't conform to a schema the console serves).
pub fn check_schemas(body: &Value, allowed: &[&str]) -> Result<(), PatchError> {
    let Some(schemas) = body.get("schemas") else {
        return Ok(());
    };
    let list = schemas
        .as_array()
        .ok_or_else(|| error("invalidSyntax", "schemas must be a list of URNs"))?;
    for urn in list {
        let urn = urn
            .as_str()
            .ok_or_else(|| error("invalidSyntax", "schemas must be a list of URNs"))?;
        if !allowed.iter().any(|a| a.eq_ignore_ascii_case(urn)) {
            return Err(error(
                "invalidSyntax",
                format!("Unknown schema URN \"{urn}\""),
            ));
        }
    }
    Ok(())
}

/// Why a PATCH or PUT can't be applied: `invalidSyntax`, `invalidPath`, `invalidValue`,
/// `noTarget` or `mutability` (RFC 7644 §3.12), and the detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct PatchError {
    pub scim_type: &'static str,
    pub detail: String,
}

fn error(scim_type: &'static str, detail: impl Into<String>) -> PatchError {
    PatchError {
        scim_type,
        detail: detail.into(),
    }
}

/// A boolean, or a string saying one (`"False"`, as Entra ID sends).
fn boolean(v: &Value, what: &str) -> Result<bool, PatchError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(error(
            "invalidValue",
            format!("{what} must be true or false"),
        )),
    }
}

fn text(v: &Value, what: &str) -> Result<Option<String>, PatchError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.trim().to_string())),
        _ => Err(error("invalidValue", format!("{what} must be a string"))),
    }
}

/// The path an operation names, lower-cased, with a value filter reduced to what it
/// selects: `emails[type eq "work"].value` is the email, `name.givenName` the first name.
fn target(path: &str) -> Result<&'static str, PatchError> {
    let p = path.trim().to_ascii_lowercase();
    if p.starts_with(&ENTERPRISE_USER_SCHEMA.to_ascii_lowercase()) {
        return Ok("ignored");
    }
    let p = p
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:user:")
        .unwrap_or(&p)
        .to_string();
    if p.starts_with("urn:") {
        return Err(error(
            "invalidPath",
            format!("Unknown schema URN in \"{path}\""),
        ));
    }
    let base = match (p.find('['), p.rfind(']')) {
        (Some(open), Some(close)) if close > open => format!("{}{}", &p[..open], &p[close + 1..]),
        _ => p.clone(),
    };
    Ok(match base.as_str() {
        "active" => "active",
        "displayname" => "display_name",
        "name.formatted" => "formatted",
        "name.givenname" => "given_name",
        "name.familyname" => "family_name",
        "externalid" => "external_id",
        "username" => "user_name",
        "emails" | "emails.value" => "email",
        "name" => "name",
        _ => {
            return Err(error(
                "invalidPath",
                format!("{path} can't be changed here"),
            ))
        }
    })
}

impl UserChanges {
    fn set(&mut self, target: &str, value: &Value, remove: bool) -> Result<(), PatchError> {
        let clear = |v: &Value, what: &str| if remove { Ok(None) } else { text(v, what) };
        match target {
            "ignored" => {}
            "active" if remove => return Err(error("mutability", "active can't be removed")),
            "active" => self.active = Some(boolean(value, "active")?),
            "display_name" => self.display_name = Some(clear(value, "displayName")?),
            "formatted" => self.formatted = Some(clear(value, "name.formatted")?),
            "given_name" => self.given_name = Some(clear(value, "name.givenName")?),
            "family_name" => self.family_name = Some(clear(value, "name.familyName")?),
            "external_id" => self.external_id = Some(clear(value, "externalId")?),
            "user_name" if remove => return Err(error("mutability", "userName can't be removed")),
            "user_name" => {
                self.user_name = Some(
                    text(value, "userName")?
                        .ok_or_else(|| error("invalidValue", "userName is required"))?,
                );
            }
            "email" if remove => {
                return Err(error(
                    "mutability",
                    "emails can't be removed: every user has an email",
                ))
            }
            "email" => {
                let entry = chosen_email(value);
                let address = entry.get("value").cloned().unwrap_or(entry.clone());
                self.email = Some(
                    text(&address, "emails")?
                        .ok_or_else(|| error("invalidValue", "An email address is required"))?,
                );
                if entry.is_object() {
                    self.email_attributes = Some(email_attributes(&entry)?);
                }
            }
            "name" if remove || value.is_null() => {
                self.formatted = Some(None);
                self.given_name = Some(None);
                self.family_name = Some(None);
            }
            "name" => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    match k.to_ascii_lowercase().as_str() {
                        "givenname" => self.set("given_name", v, remove)?,
                        "familyname" => self.set("family_name", v, remove)?,
                        "formatted" => self.set("formatted", v, remove)?,
                        _ => {}
                    }
                }
            }
            _ => {
                return Err(error(
                    "invalidPath",
                    format!("{target} can't be changed here"),
                ))
            }
        }
        Ok(())
    }

    /// A value without a path: an object of attributes (`{"active": false}`).
    fn set_object(&mut self, value: &Value, remove: bool) -> Result<(), PatchError> {
        let Some(fields) = value.as_object() else {
            return Err(error(
                "invalidValue",
                "An operation without a path needs an object value",
            ));
        };
        for (k, v) in fields {
            // Attributes the console doesn't keep (locale, title, …) are left alone.
            let t = match k.to_ascii_lowercase().as_str() {
                "schemas" | "id" | "meta" => continue,
                "name" => "name",
                // A schema's attributes as one object: the extension's are read past.
                k if k.starts_with("urn:") => target(k)?,
                _ => match target(k) {
                    Ok(t) => t,
                    Err(_) => continue,
                },
            };
            self.set(t, v, remove)?;
        }
        Ok(())
    }
}

/// The entry of an `emails` value the email is: the primary one (`true` or Entra's
/// `"True"`), else the work one, else the first; or the value itself (an address).
fn chosen_email(value: &Value) -> Value {
    let flag = |i: &Value| i.get("primary").and_then(|p| boolean(p, "primary").ok()) == Some(true);
    let work = |i: &Value| {
        i.get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("work"))
    };
    match value {
        Value::Array(items) => items
            .iter()
            .find(|i| flag(i))
            .or_else(|| items.iter().find(|i| work(i)))
            .or_else(|| items.first())
            .cloned()
            .unwrap_or(Value::Null),
        other => other.clone(),
    }
}

/// The `type` and `primary` of an email's entry, as a JSON object to keep.
fn email_attributes(entry: &Value) -> Result<String, PatchError> {
    let mut kept = serde_json::Map::new();
    if let Some(t) = entry.get("type").filter(|t| !t.is_null()) {
        let t = t
            .as_str()
            .ok_or_else(|| error("invalidValue", "An email's type must be a string"))?;
        kept.insert("type".into(), Value::String(t.to_string()));
    }
    if let Some(p) = entry.get("primary").filter(|p| !p.is_null()) {
        kept.insert(
            "primary".into(),
            Value::Bool(boolean(p, "An email's primary")?),
        );
    }
    Ok(Value::Object(kept).to_string())
}

/// A PatchOp body's operations, each with its `op` lower-cased (Entra ID capitalizes it).
pub fn operations(body: &Value) -> Result<Vec<(String, &Value)>, PatchError> {
    check_schemas(body, &[PATCH_SCHEMA])?;
    let ops = body
        .get("Operations")
        .or_else(|| body.get("operations"))
        .and_then(Value::as_array)
        .ok_or_else(|| error("invalidSyntax", "A PATCH needs Operations"))?;
    Ok(ops
        .iter()
        .map(|op| {
            let kind = op.get("op").and_then(Value::as_str).unwrap_or_default();
            (kind.to_ascii_lowercase(), op)
        })
        .collect())
}

/// A PatchOp body's changes.
pub fn patch(body: &Value) -> Result<UserChanges, PatchError> {
    let mut changes = UserChanges::default();
    for (kind, op) in operations(body)? {
        let remove = match kind.as_str() {
            "add" | "replace" => false,
            "remove" => true,
            _ => return Err(error("invalidSyntax", "op must be add, replace or remove")),
        };
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        match op.get("path").and_then(Value::as_str) {
            Some(path) => changes.set(target(path)?, &value, remove)?,
            None if remove => return Err(error("noTarget", "A remove needs a path")),
            None => changes.set_object(&value, false)?,
        }
    }
    Ok(changes)
}

/// A PUT's changes: the whole user (attributes left out are cleared; `active` left out
/// stays as it is).
pub fn replace(body: &Value) -> Result<UserChanges, PatchError> {
    if !body.is_object() {
        return Err(error("invalidSyntax", "A PUT needs a User object"));
    }
    check_schemas(body, &[USER_SCHEMA, ENTERPRISE_USER_SCHEMA])?;
    let mut changes = UserChanges {
        display_name: Some(None),
        formatted: Some(None),
        given_name: Some(None),
        family_name: Some(None),
        external_id: Some(None),
        ..UserChanges::default()
    };
    changes.set_object(body, false)?;
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entra_and_okta_patches_are_read() {
        // Entra ID: capitalized op, a boolean as a string.
        let c = patch(&json!({ "schemas": [PATCH_SCHEMA], "Operations": [
            { "op": "Replace", "path": "active", "value": "False" },
            { "op": "Add", "path": "emails[type eq \"work\"].value", "value": "New@Example.com" },
            { "op": "replace", "path": "name.givenName", "value": "Ann" },
            { "op": "Remove", "path": "externalId" },
        ]}))
        .unwrap();
        assert_eq!(c.active, Some(false));
        assert_eq!(c.email.as_deref(), Some("New@Example.com"));
        assert_eq!(c.user_name, None);
        assert_eq!(c.given_name, Some(Some("Ann".into())));
        assert_eq!(c.external_id, Some(None));
        // Okta: an operation without a path.
        let c = patch(&json!({ "Operations": [{ "op": "replace", "value": { "active": false, "displayName": "A L" } }]})).unwrap();
        assert_eq!(
            (c.active, c.display_name),
            (Some(false), Some(Some("A L".into())))
        );
        // Okta's PUT deactivation.
        let c = replace(&json!({ "userName": "ann@example.com", "active": false, "name": { "givenName": "Ann" }, "emails": [{ "value": "ann@example.com", "primary": true }] })).unwrap();
        assert_eq!(c.active, Some(false));
        assert_eq!(c.given_name, Some(Some("Ann".into())));
        assert_eq!(c.family_name, Some(None));
        assert_eq!(c.user_name.as_deref(), Some("ann@example.com"));
        assert_eq!(c.email.as_deref(), Some("ann@example.com"));
        assert_eq!(c.formatted, Some(None));
        // Entra's UPN as userName, the mail among emails: the primary one is the email.
        let c = replace(&json!({ "userName": "ann.lee", "emails": [
            { "value": "home@example.com", "type": "home" },
            { "value": "ann@example.com", "type": "work", "primary": "True" },
        ], "name": { "formatted": "Ann Lee" } }))
        .unwrap();
        assert_eq!(c.new_email().as_deref(), Some("ann@example.com"));
        assert_eq!(c.console_name(), Some(Some("Ann Lee".into())));
        // Removing the name clears its parts; displayName stays.
        let c = patch(&json!({ "Operations": [{ "op": "remove", "path": "name" }] })).unwrap();
        assert_eq!(
            (c.formatted, c.given_name, c.display_name),
            (Some(None), Some(None), None)
        );
    }

    #[test]
    fn bad_patches_say_which_scim_error() {
        let kind = |body: Value| patch(&body).unwrap_err().scim_type;
        assert_eq!(kind(json!({})), "invalidSyntax");
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "move", "path": "active" }] })),
            "invalidSyntax"
        );
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "replace", "path": "password", "value": "x" }] })),
            "invalidPath"
        );
        assert_eq!(
            kind(
                json!({ "Operations": [{ "op": "replace", "path": "active", "value": "maybe" }] })
            ),
            "invalidValue"
        );
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "remove" }] })),
            "noTarget"
        );
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "remove", "path": "active" }] })),
            "mutability"
        );
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "remove", "path": "emails" }] })),
            "mutability"
        );
        // Unknown schema URNs: the body's, a path's, an attribute's.
        assert_eq!(
            kind(json!({ "schemas": ["urn:example:Patch"], "Operations": [] })),
            "invalidSyntax"
        );
        assert_eq!(
            kind(
                json!({ "Operations": [{ "op": "replace", "path": "urn:example:x:dept", "value": "a" }] })
            ),
            "invalidPath"
        );
        let put = replace(
            &json!({ "schemas": [USER_SCHEMA, "urn:example:User"], "userName": "a@x.com" }),
        );
        assert_eq!(put.unwrap_err().scim_type, "invalidSyntax");
        let put = replace(&json!({ "userName": "a@x.com", "urn:example:User": { "a": 1 } }));
        assert_eq!(put.unwrap_err().scim_type, "invalidPath");
        // The enterprise extension Entra ID sends is read past.
        let c = patch(&json!({ "schemas": [PATCH_SCHEMA], "Operations": [
            { "op": "Add", "path": format!("{ENTERPRISE_USER_SCHEMA}:department"), "value": "Video" },
            { "op": "Replace", "path": "active", "value": "False" },
        ]}))
        .unwrap();
        assert_eq!(c.active, Some(false));
        let c = replace(
            &json!({ "schemas": [USER_SCHEMA, ENTERPRISE_USER_SCHEMA], "userName": "a@x.com",
            ENTERPRISE_USER_SCHEMA: { "department": "Video" } }),
        )
        .unwrap();
        assert_eq!(c.user_name.as_deref(), Some("a@x.com"));
    }
}
