//! What a SCIM PATCH or PUT of a group asks for (RFC 7644 §3.5.2; docs/rules/scim.md#groups):
//! a new display name, members added or removed (`members` with a list of `{value}`, or
//! `members[value eq "…"]`), or the members replaced — in Entra ID's and Okta's forms.

use super::scim_filter::{parse, CompareOp, Filter, FilterValue};
use super::scim_patch::PatchError;
use serde_json::Value;

/// The changes to a group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupChanges {
    pub display_name: Option<String>,
    /// The identity provider's id for the group: `Some(None)` clears it.
    pub external_id: Option<Option<String>>,
    /// Members exactly these (user ids), when set.
    pub members: Option<Vec<String>>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

fn error(scim_type: &'static str, detail: impl Into<String>) -> PatchError {
    PatchError {
        scim_type,
        detail: detail.into(),
    }
}

/// The user ids of a `members` value: `[{"value": id}, …]` (or one object).
pub fn member_ids(v: &Value) -> Result<Vec<String>, PatchError> {
    let items: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![v],
        Value::Null => Vec::new(),
        _ => {
            return Err(error(
                "invalidValue",
                "members must be a list of {\"value\": id}",
            ))
        }
    };
    items
        .into_iter()
        .map(|i| {
            i.get("value")
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| error("invalidValue", "Each member needs a value (the user's id)"))
        })
        .collect()
}

fn display_name(v: &Value) -> Result<String, PatchError> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| error("invalidValue", "displayName must be a string"))
}

fn external_id(v: &Value) -> Result<Option<String>, PatchError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.trim().to_string())),
        _ => Err(error("invalidValue", "externalId must be a string")),
    }
}

/// `members[value eq "id"]`: the id.
fn filtered_member(path: &str) -> Result<Option<String>, PatchError> {
    let lower = path.to_ascii_lowercase();
    if !lower.starts_with("members[") {
        return Ok(None);
    }
    let inner = path
        .get(8..path.rfind(']').unwrap_or(path.len()))
        .ok_or_else(|| error("invalidPath", "A members filter isn't closed"))?;
    match parse(inner).map_err(|e| error("invalidFilter", e.to_string()))? {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value: FilterValue::Str(id),
        } if path.attr == "value" => Ok(Some(id)),
        _ => Err(error(
            "invalidFilter",
            "Name members by value eq \"<user id>\"",
        )),
    }
}

/// A PatchOp body's changes to a group.
pub fn patch(body: &Value) -> Result<GroupChanges, PatchError> {
    let mut c = GroupChanges::default();
    for (kind, op) in super::scim_patch::operations(body)? {
        let value = op.get("value").cloned().unwrap_or(Value::Null);
        let path = op.get("path").and_then(Value::as_str);
        match (kind.as_str(), path) {
            ("remove", Some(p)) => match filtered_member(p)? {
                Some(id) => c.remove.push(id),
                None if p.eq_ignore_ascii_case("members") && value.is_null() => {
                    c.members = Some(Vec::new())
                }
                None if p.eq_ignore_ascii_case("members") => c.remove.extend(member_ids(&value)?),
                None if p.eq_ignore_ascii_case("externalId") => c.external_id = Some(None),
                None => return Err(error("invalidPath", format!("{p} can't be removed"))),
            },
            ("remove", None) => return Err(error("noTarget", "A remove needs a path")),
            ("add" | "replace", Some(p)) if p.eq_ignore_ascii_case("members") => {
                let ids = member_ids(&value)?;
                if kind == "add" {
                    c.add.extend(ids);
                } else {
                    c.members = Some(ids);
                }
            }
            ("add" | "replace", Some(p)) if p.eq_ignore_ascii_case("displayName") => {
                c.display_name = Some(display_name(&value)?);
            }
            ("add" | "replace", Some(p)) if p.eq_ignore_ascii_case("externalId") => {
                c.external_id = Some(external_id(&value)?);
            }
            ("add" | "replace", Some(p)) => {
                return Err(error("invalidPath", format!("{p} can't be changed here")))
            }
            ("add" | "replace", None) => {
                for (k, v) in value.as_object().into_iter().flatten() {
                    match k.to_ascii_lowercase().as_str() {
                        "displayname" => c.display_name = Some(display_name(v)?),
                        "externalid" => c.external_id = Some(external_id(v)?),
                        "members" if kind == "add" => c.add.extend(member_ids(v)?),
                        "members" => c.members = Some(member_ids(v)?),
                        _ => {}
                    }
                }
            }
            _ => return Err(error("invalidSyntax", "op must be add, replace or remove")),
        }
    }
    Ok(c)
}

/// A POST's or PUT's group: its display name and exactly its members.
pub fn whole(body: &Value) -> Result<GroupChanges, PatchError> {
    super::scim_patch::check_schemas(body, &[super::scim_patch::GROUP_SCHEMA])?;
    let name = body
        .get("displayName")
        .ok_or_else(|| error("invalidValue", "displayName is required"))?;
    Ok(GroupChanges {
        display_name: Some(display_name(name)?),
        external_id: Some(external_id(body.get("externalId").unwrap_or(&Value::Null))?),
        members: Some(member_ids(body.get("members").unwrap_or(&Value::Null))?),
        ..GroupChanges::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entra_and_okta_member_patches() {
        let c = patch(&json!({ "Operations": [
            { "op": "Add", "path": "members", "value": [{ "value": "u1" }, { "value": "u2" }] },
            { "op": "Remove", "path": "members[value eq \"u3\"]" },
            { "op": "Replace", "path": "displayName", "value": "Editors" },
        ]}))
        .unwrap();
        assert_eq!(c.add, vec!["u1", "u2"]);
        assert_eq!(c.remove, vec!["u3"]);
        assert_eq!(c.display_name.as_deref(), Some("Editors"));
        let c = patch(&json!({ "Operations": [{ "op": "replace", "value": { "id": "g", "displayName": "Video", "members": [] } }] })).unwrap();
        assert_eq!(
            (c.display_name.as_deref(), c.members),
            (Some("Video"), Some(vec![]))
        );
        let c = patch(&json!({ "Operations": [{ "op": "remove", "path": "members", "value": [{ "value": "u9" }] }] })).unwrap();
        assert_eq!(c.remove, vec!["u9"]);
        let w = whole(&json!({ "displayName": "Ops", "members": [{ "value": "u1" }] })).unwrap();
        assert_eq!(w.members, Some(vec!["u1".to_string()]));
        assert_eq!(w.external_id, Some(None));
        let c = patch(&json!({ "Operations": [
            { "op": "replace", "path": "externalId", "value": "okta-g1" },
        ]}))
        .unwrap();
        assert_eq!(c.external_id, Some(Some("okta-g1".into())));
        let c =
            patch(&json!({ "Operations": [{ "op": "remove", "path": "externalId" }] })).unwrap();
        assert_eq!(c.external_id, Some(None));
    }

    #[test]
    fn bad_group_patches() {
        let kind = |b: Value| patch(&b).unwrap_err().scim_type;
        assert_eq!(
            kind(json!({ "Operations": [{ "op": "add", "path": "owner", "value": "x" }] })),
            "invalidPath"
        );
        assert_eq!(
            kind(
                json!({ "Operations": [{ "op": "remove", "path": "members[display eq \"x\"]" }] })
            ),
            "invalidFilter"
        );
        assert_eq!(
            kind(
                json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "display": "x" }] }] })
            ),
            "invalidValue"
        );
        assert_eq!(
            whole(&json!({ "members": [] })).unwrap_err().scim_type,
            "invalidValue"
        );
        assert_eq!(
            whole(&json!({ "schemas": ["urn:example:Team"], "displayName": "x" }))
                .unwrap_err()
                .scim_type,
            "invalidSyntax"
        );
    }
}
