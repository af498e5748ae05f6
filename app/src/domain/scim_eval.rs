//! Reading a SCIM filter against resources (docs/rules/scim.md#filters): which index keys
//! narrow the users a filter can match — a filter none narrows would read every user and is
//! refused — and whether a resource (its SCIM JSON) matches, exactly as RFC 7644 §3.4.2.2
//! says (strings case-insensitively but `id` and `externalId`; multi-valued attributes match
//! when a value does).

use super::scim_filter::{AttrPath, CompareOp, Filter, FilterValue};
use serde_json::Value;

/// An index range of the account's users a filter's matches lie in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexKey {
    /// The email (lower-cased) is exactly this.
    Email(String),
    /// The email (lower-cased) starts with this.
    EmailPrefix(String),
    /// A `userName` that isn't the email (lower-cased) is exactly this.
    UserName(String),
    /// A `userName` that isn't the email (lower-cased) starts with this.
    UserNamePrefix(String),
    ExternalId(String),
    /// The display name (lower-cased) starts with this.
    NamePrefix(String),
}

/// The keys whose union holds every match of `filter`, or `None` when no index narrows it.
pub fn index_keys(filter: &Filter) -> Option<Vec<IndexKey>> {
    match filter {
        Filter::Compare {
            path,
            op,
            value: FilterValue::Str(v),
        } => compare_key(path, *op, v, false),
        Filter::ValuePath { path, filter } if path.attr == "emails" => email_value_keys(filter),
        Filter::And(a, b) => index_keys(a).or_else(|| index_keys(b)),
        Filter::Or(a, b) => {
            let mut keys = index_keys(a)?;
            keys.extend(index_keys(b)?);
            Some(keys)
        }
        _ => None,
    }
}

/// `emails[value eq "…"]` and such: the inner filter's `value` comparisons.
fn email_value_keys(inner: &Filter) -> Option<Vec<IndexKey>> {
    match inner {
        Filter::Compare {
            path,
            op,
            value: FilterValue::Str(v),
        } => compare_key(path, *op, v, true),
        Filter::And(a, b) => email_value_keys(a).or_else(|| email_value_keys(b)),
        Filter::Or(a, b) => {
            let mut keys = email_value_keys(a)?;
            keys.extend(email_value_keys(b)?);
            Some(keys)
        }
        _ => None,
    }
}

/// A comparison's keys: a `userName` is the email unless the identity provider gave another,
/// so it is looked for in both.
fn compare_key(
    path: &AttrPath,
    op: CompareOp,
    v: &str,
    inside_emails: bool,
) -> Option<Vec<IndexKey>> {
    let user_name = !inside_emails && path.attr == "username" && path.sub.is_none();
    let email = (inside_emails && path.attr == "value" && path.sub.is_none())
        || (!inside_emails
            && path.attr == "emails"
            && path.sub.as_deref().is_none_or(|s| s == "value"));
    let lower = v.to_lowercase();
    match op {
        CompareOp::Eq if user_name => Some(vec![
            IndexKey::Email(lower.clone()),
            IndexKey::UserName(lower),
        ]),
        CompareOp::Sw if user_name => Some(vec![
            IndexKey::EmailPrefix(lower.clone()),
            IndexKey::UserNamePrefix(lower),
        ]),
        CompareOp::Eq if email => Some(vec![IndexKey::Email(lower)]),
        CompareOp::Sw if email => Some(vec![IndexKey::EmailPrefix(lower)]),
        CompareOp::Eq if !inside_emails && path.attr == "externalid" => {
            Some(vec![IndexKey::ExternalId(v.to_string())])
        }
        CompareOp::Eq | CompareOp::Sw if !inside_emails && path.attr == "displayname" => {
            Some(vec![IndexKey::NamePrefix(lower)])
        }
        _ => None,
    }
}

/// Whether a resource (its SCIM JSON) matches the filter.
pub fn matches(filter: &Filter, resource: &Value) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, resource) && matches(b, resource),
        Filter::Or(a, b) => matches(a, resource) || matches(b, resource),
        Filter::Not(f) => !matches(f, resource),
        Filter::Present(path) => values(resource, path).iter().any(|v| present(v)),
        Filter::Compare { path, op, value } => {
            let exact = matches!(path.attr.as_str(), "id" | "externalid");
            values(resource, path)
                .iter()
                .any(|v| compare(v, *op, value, exact))
        }
        Filter::ValuePath { path, filter } => {
            let Some(found) = field(resource, &path.attr) else {
                return false;
            };
            match found {
                Value::Array(items) => items.iter().any(|item| matches(filter, item)),
                other => matches(filter, other),
            }
        }
    }
}

/// A key of an object, compared case-insensitively.
fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The values a path names in a resource: a multi-valued attribute's sub-attribute is each
/// element's (an attribute of complex values without a sub-attribute: their `value`s).
fn values<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(top) = field(resource, &path.attr) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match top {
        Value::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let sub = path.sub.as_deref().or(match items.first() {
        Some(Value::Object(_)) => Some("value"),
        _ => None,
    });
    match sub {
        Some(sub) => items.into_iter().filter_map(|i| field(i, sub)).collect(),
        None => items,
    }
}

fn present(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

fn compare(v: &Value, op: CompareOp, wanted: &FilterValue, exact: bool) -> bool {
    use CompareOp::*;
    match (v, wanted) {
        (Value::String(have), FilterValue::Str(want)) => {
            let (have, want) = if exact {
                (have.clone(), want.clone())
            } else {
                (have.to_lowercase(), want.to_lowercase())
            };
            match op {
                Eq => have == want,
                Ne => have != want,
                Co => have.contains(&want),
                Sw => have.starts_with(&want),
                Ew => have.ends_with(&want),
                Gt => have > want,
                Lt => have < want,
                Ge => have >= want,
                Le => have <= want,
            }
        }
        (Value::Bool(have), FilterValue::Bool(want)) => match op {
            Eq => have == want,
            Ne => have != want,
            _ => false,
        },
        (Value::Number(have), FilterValue::Num(want)) => {
            let have = have.as_f64().unwrap_or(f64::NAN);
            match op {
                Eq => have == *want,
                Ne => have != *want,
                Gt => have > *want,
                Lt => have < *want,
                Ge => have >= *want,
                Le => have <= *want,
                _ => false,
            }
        }
        (Value::Null, FilterValue::Null) => op == Eq,
        _ => op == Ne,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::scim_filter::parse;
    use serde_json::json;

    fn ann() -> Value {
        json!({
            "id": "u1", "externalId": "Okta-1", "userName": "Ann@Example.com", "displayName": "Ann Lee",
            "name": { "givenName": "Ann", "familyName": "Lee" }, "active": true,
            "emails": [{ "value": "Ann@Example.com", "type": "work", "primary": true }],
        })
    }

    #[test]
    fn filters_match_as_the_rfc_says() {
        let yes = [
            r#"userName eq "ann@example.com""#,
            r#"userName sw "ANN""#,
            r#"displayName co "n L""#,
            r#"name.givenName eq "ann""#,
            r#"emails[type eq "work" and value ew "example.com"]"#,
            r#"emails.value eq "ann@example.com""#,
            r#"emails co "example""#,
            "externalId pr",
            "active eq true",
            r#"externalId eq "Okta-1""#,
            r#"not (userName eq "bo@example.com")"#,
            r#"userName eq "x" or active eq true"#,
        ];
        for f in yes {
            assert!(matches(&parse(f).unwrap(), &ann()), "{f}");
        }
        let no = [
            r#"externalId eq "okta-1""#,
            r#"emails[type eq "home"]"#,
            "nickName pr",
            "active eq false",
            r#"userName eq "ann@example.com" and active eq false"#,
        ];
        for f in no {
            assert!(!matches(&parse(f).unwrap(), &ann()), "{f}");
        }
    }

    #[test]
    fn only_filters_an_index_narrows_have_keys() {
        let keys = |f: &str| index_keys(&parse(f).unwrap());
        assert_eq!(
            keys(r#"userName eq "Ann@X.com""#),
            Some(vec![
                IndexKey::Email("ann@x.com".into()),
                IndexKey::UserName("ann@x.com".into())
            ])
        );
        assert_eq!(
            keys(r#"emails[type eq "work" and value sw "ann"]"#),
            Some(vec![IndexKey::EmailPrefix("ann".into())])
        );
        assert_eq!(
            keys(r#"externalId eq "Okta-1""#),
            Some(vec![IndexKey::ExternalId("Okta-1".into())])
        );
        assert_eq!(
            keys(r#"displayName sw "An" and active eq true"#),
            Some(vec![IndexKey::NamePrefix("an".into())])
        );
        assert_eq!(
            keys(r#"userName eq "a@x.com" or externalId eq "2""#),
            Some(vec![
                IndexKey::Email("a@x.com".into()),
                IndexKey::UserName("a@x.com".into()),
                IndexKey::ExternalId("2".into())
            ])
        );
        for scan in [
            r#"displayName co "n""#,
            "active eq true",
            r#"userName eq "a" or active eq true"#,
            "externalId pr",
            r#"not (userName eq "a")"#,
        ] {
            assert_eq!(keys(scan), None, "{scan}");
        }
    }
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.9): the resource with only the named
/// attributes (or without the excluded ones). `id` and `schemas` always stay; names may carry a
/// sub-attribute (`name.givenName`) or the schema's URN, and are compared case-insensitively.
pub fn project(resource: &Value, attributes: Option<&str>, excluded: Option<&str>) -> Value {
    let names = |list: Option<&str>| -> Vec<(String, Option<String>)> {
        list.unwrap_or_default()
            .split(',')
            .filter_map(|raw| super::scim_filter::attr_path(raw.trim()).ok())
            .map(|p| (p.attr, p.sub))
            .collect()
    };
    let (keep, drop) = (names(attributes), names(excluded));
    let Some(object) = resource.as_object() else {
        return resource.clone();
    };
    let mut out = serde_json::Map::new();
    for (key, value) in object {
        let k = key.to_ascii_lowercase();
        if k == "id" || k == "schemas" {
            out.insert(key.clone(), value.clone());
            continue;
        }
        if !keep.is_empty() {
            let subs: Vec<&String> = keep
                .iter()
                .filter(|(a, _)| *a == k)
                .filter_map(|(_, s)| s.as_ref())
                .collect();
            let whole = keep.iter().any(|(a, s)| *a == k && s.is_none());
            if whole {
                out.insert(key.clone(), value.clone());
            } else if !subs.is_empty() {
                out.insert(key.clone(), only_subs(value, &subs));
            }
            continue;
        }
        if drop.iter().any(|(a, s)| *a == k && s.is_none()) {
            continue;
        }
        out.insert(key.clone(), value.clone());
    }
    Value::Object(out)
}

/// A complex value (or each of a multi-valued one) with only these sub-attributes.
fn only_subs(value: &Value, subs: &[&String]) -> Value {
    let pick = |v: &Value| match v.as_object() {
        Some(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| subs.iter().any(|s| k.eq_ignore_ascii_case(s)))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => v.clone(),
    };
    match value {
        Value::Array(items) => Value::Array(items.iter().map(pick).collect()),
        other => pick(other),
    }
}

#[cfg(test)]
mod projection_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn attributes_keep_and_excluded_attributes_drop() {
        let ann = json!({ "schemas": ["s"], "id": "u1", "userName": "a@x.com", "active": true,
            "name": { "givenName": "Ann", "familyName": "Lee" }, "emails": [{ "value": "a@x.com", "type": "work" }] });
        assert_eq!(
            project(&ann, Some("userName,name.givenName"), None),
            json!({ "schemas": ["s"], "id": "u1", "userName": "a@x.com", "name": { "givenName": "Ann" } })
        );
        assert_eq!(
            project(
                &ann,
                Some("urn:ietf:params:scim:schemas:core:2.0:User:emails.value"),
                None
            ),
            json!({ "schemas": ["s"], "id": "u1", "emails": [{ "value": "a@x.com" }] })
        );
        let without = project(&ann, None, Some("emails,name"));
        assert!(without.get("emails").is_none() && without.get("name").is_none());
        assert_eq!(without["userName"], "a@x.com");
        assert_eq!(project(&ann, None, None), ann);
    }
}
