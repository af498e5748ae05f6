//! Request parameters as real clients send them (docs/rules/provisioning-api.md#what-clients-send):
//! the query string and a JSON, multipart or form-urlencoded body, merged; arrays as JSON arrays,
//! indexed (`ids[0]`), appended (`ids[]`), repeated or comma-joined; objects as JSON or bracket
//! keys; booleans as JSON or strings. Every accessor says what is wrong in the contract's words.

use super::error::ProvisioningError;
use serde_json::{Map, Value};

/// What follows a parameter's name: `[0]`, `[]`, `[key]` or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sub {
    None,
    Index(u64),
    Append,
    Key(String),
}

#[derive(Debug, Clone, Default)]
pub struct Params {
    entries: Vec<(String, Sub, Value)>,
}

/// The most values one list parameter may carry.
pub const MAX_VALUES: usize = app::domain::provisioning::MAX_LIST_VALUES;

fn split_key(raw: &str) -> (String, Sub) {
    if let Some(open) = raw.find('[') {
        if let Some(inner) = raw[open + 1..].strip_suffix(']') {
            let base = raw[..open].to_string();
            let sub = if inner.is_empty() {
                Sub::Append
            } else if let Ok(i) = inner.parse::<u64>() {
                Sub::Index(i)
            } else {
                Sub::Key(inner.to_string())
            };
            return (base, sub);
        }
    }
    (raw.to_string(), Sub::None)
}

/// A scalar as text: strings as they are, numbers and booleans printed.
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn shown(v: &Value) -> String {
    text(v).unwrap_or_else(|| v.to_string())
}

impl Params {
    /// Adds `name=value` pairs (a query string or a form body).
    pub fn add_pairs<'a>(&mut self, pairs: impl Iterator<Item = (String, String)> + 'a) {
        for (k, v) in pairs {
            let (base, sub) = split_key(&k);
            self.entries.push((base, sub, Value::String(v)));
        }
    }

    pub fn add_query(&mut self, query: &str) {
        self.add_pairs(form_urlencoded::parse(query.as_bytes()).into_owned());
    }

    /// A JSON body: an object's members (anything else is an unreadable body).
    pub fn add_json(&mut self, body: &[u8]) -> Result<(), ProvisioningError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|_| ProvisioningError::bad_body())?;
        let Value::Object(members) = value else {
            return Err(ProvisioningError::bad_body());
        };
        for (k, v) in members {
            let (base, sub) = split_key(&k);
            self.entries.push((base, sub, v));
        }
        Ok(())
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a Sub, &'a Value)> + 'a {
        self.entries
            .iter()
            .filter(move |(b, _, v)| b == name && !v.is_null())
            .map(|(_, s, v)| (s, v))
    }

    /// The raw value of a parameter as text, for error messages.
    pub fn shown(&self, name: &str) -> Option<String> {
        self.values(name).next().map(|(_, v)| shown(v))
    }

    /// One text value; an empty string is "not given".
    pub fn string(&self, name: &str) -> Result<Option<String>, ProvisioningError> {
        let Some((_, v)) = self.values(name).find(|(s, _)| **s == Sub::None) else {
            return Ok(None);
        };
        match text(v) {
            Some(s) if s.is_empty() => Ok(None),
            Some(s) => Ok(Some(s)),
            None => Err(ProvisioningError::invalid_value(&shown(v), name)),
        }
    }

    pub fn required(&self, name: &str) -> Result<String, ProvisioningError> {
        match self.string(name)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            _ => Err(ProvisioningError::missing(name)),
        }
    }

    /// `true`/`false` as JSON, strings in any case, or `1`/`0`.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ProvisioningError> {
        let Some((_, v)) = self.values(name).find(|(s, _)| **s == Sub::None) else {
            return Ok(None);
        };
        match v {
            Value::Bool(b) => Ok(Some(*b)),
            other => match text(other)
                .map(|s| s.trim().to_ascii_lowercase())
                .as_deref()
            {
                Some("") => Ok(None),
                Some("true") | Some("1") => Ok(Some(true)),
                Some("false") | Some("0") => Ok(Some(false)),
                _ => Err(ProvisioningError::invalid_value(&shown(other), name)),
            },
        }
    }

    /// An integer within `min..=max`.
    pub fn int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, ProvisioningError> {
        let Some(s) = self.string(name)? else {
            return Ok(None);
        };
        match s.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ProvisioningError::invalid_value(&s, name)),
        }
    }

    /// A list: `None` when not given at all; `Some(vec![])` for an empty JSON array.
    pub fn list(&self, name: &str) -> Result<Option<Vec<String>>, ProvisioningError> {
        let mut given = false;
        let mut plain = Vec::new();
        let mut indexed: Vec<(u64, String)> = Vec::new();
        let mut appended = Vec::new();
        for (sub, v) in self.values(name) {
            given = true;
            let as_text = |v: &Value| {
                text(v).ok_or_else(|| ProvisioningError::invalid_value(&shown(v), name))
            };
            match (sub, v) {
                (Sub::None, Value::Array(items)) => {
                    for item in items.iter().filter(|i| !i.is_null()) {
                        plain.push(as_text(item)?);
                    }
                }
                (Sub::None, v) => plain.push(as_text(v)?),
                (Sub::Index(i), v) => indexed.push((*i, as_text(v)?)),
                (Sub::Append, v) => appended.push(as_text(v)?),
                (Sub::Key(_), v) => return Err(ProvisioningError::invalid_value(&shown(v), name)),
            }
        }
        if !given {
            return Ok(None);
        }
        // One plain string may be a comma-joined list (`ids=a,b`).
        if plain.len() == 1 && indexed.is_empty() && appended.is_empty() {
            let one = plain.remove(0);
            plain = one.split(',').map(str::to_string).collect();
        }
        indexed.sort_by_key(|(i, _)| *i);
        let out: Vec<String> = plain
            .into_iter()
            .chain(indexed.into_iter().map(|(_, v)| v))
            .chain(appended)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if out.len() > MAX_VALUES {
            return Err(ProvisioningError::bad_request(format!(
                "Too many values for {name} (maximum {MAX_VALUES})"
            )));
        }
        Ok(Some(out))
    }

    /// An object: JSON, a JSON string, or bracket keys (`custom_attributes[team]=x`).
    pub fn object(&self, name: &str) -> Result<Option<Map<String, Value>>, ProvisioningError> {
        let mut out: Option<Map<String, Value>> = None;
        for (sub, v) in self.values(name) {
            match (sub, v) {
                (Sub::None, Value::Object(m)) => return Ok(Some(m.clone())),
                (Sub::None, Value::String(s)) if s.trim().is_empty() => {}
                (Sub::None, Value::String(s)) => {
                    return match serde_json::from_str::<Value>(s) {
                        Ok(Value::Object(m)) => Ok(Some(m)),
                        _ => Err(ProvisioningError::invalid_value(s, name)),
                    }
                }
                (Sub::Key(k), v) => {
                    out.get_or_insert_with(Map::new)
                        .insert(k.clone(), v.clone());
                }
                (_, v) => return Err(ProvisioningError::invalid_value(&shown(v), name)),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(q: &str) -> Params {
        let mut p = Params::default();
        p.add_query(q);
        p
    }

    #[test]
    fn lists_arrive_in_every_shape_clients_send() {
        for q in [
            "ids[]=a&ids[]=b",
            "ids=a&ids=b",
            "ids=a,b",
            "ids%5B%5D=a&ids%5B%5D=b",
        ] {
            assert_eq!(
                query(q).list("ids").unwrap(),
                Some(vec!["a".into(), "b".into()]),
                "{q}"
            );
        }
        let p = query("sub_account_ids[1]=pe2&sub_account_ids[0]=pe1");
        assert_eq!(
            p.list("sub_account_ids").unwrap(),
            Some(vec!["pe1".into(), "pe2".into()])
        );
        let mut j = Params::default();
        j.add_json(br#"{"sub_account_ids": [], "ids": ["x"]}"#)
            .unwrap();
        assert_eq!(j.list("sub_account_ids").unwrap(), Some(vec![]));
        assert_eq!(j.list("ids").unwrap(), Some(vec!["x".into()]));
        assert_eq!(j.list("emails").unwrap(), None);
        let many = (0..101)
            .map(|i| format!("ids[]={i}"))
            .collect::<Vec<_>>()
            .join("&");
        assert_eq!(
            query(&many).list("ids").unwrap_err().message,
            "Too many values for ids (maximum 100)"
        );
    }

    #[test]
    fn booleans_are_json_or_strings_in_any_case_and_nothing_else() {
        let mut j = Params::default();
        j.add_json(br#"{"a": true, "b": "FALSE", "c": 1, "d": "yes", "e": null}"#)
            .unwrap();
        assert_eq!(j.bool("a").unwrap(), Some(true));
        assert_eq!(j.bool("b").unwrap(), Some(false));
        assert_eq!(j.bool("c").unwrap(), Some(true));
        assert_eq!(
            j.bool("d").unwrap_err().message,
            "Invalid value yes for parameter d"
        );
        assert_eq!(j.bool("e").unwrap(), None);
        assert_eq!(query("enabled=0").bool("enabled").unwrap(), Some(false));
    }

    #[test]
    fn objects_from_json_strings_or_bracket_keys() {
        let p = query("custom_attributes[team]=x&custom_attributes[tier]=gold");
        let o = p.object("custom_attributes").unwrap().unwrap();
        assert_eq!(o["team"], "x");
        assert_eq!(o["tier"], "gold");
        let p = query("custom_attributes=%7B%22a%22%3A1%7D");
        assert_eq!(p.object("custom_attributes").unwrap().unwrap()["a"], 1);
        assert!(query("custom_attributes=nope")
            .object("custom_attributes")
            .is_err());
    }

    #[test]
    fn unreadable_bodies_and_missing_parameters_say_so() {
        let mut p = Params::default();
        assert_eq!(
            p.add_json(b"{nope").unwrap_err().message,
            "Invalid request body"
        );
        assert_eq!(
            p.add_json(b"[1]").unwrap_err().message,
            "Invalid request body"
        );
        assert_eq!(
            p.required("name").unwrap_err().message,
            "Missing required parameter - name"
        );
        assert_eq!(query("name=").string("name").unwrap(), None);
    }
}
