//! SCIM filters and attribute paths (RFC 7644 §3.4.2.2, §3.5.2), parsed into a tree the
//! store can plan: `userName eq "ann@example.com"`, `emails[type eq "work" and value co "@x"]`,
//! `not (active eq false) or externalId pr`. Operators and attribute names are
//! case-insensitive; `not` binds tighter than `and`, `and` tighter than `or`. What the big
//! identity providers send beyond the RFC is accepted too: Entra ID's capitalized operators.

use serde::{Deserialize, Serialize};

/// An attribute: `userName`, `name.givenName`, `urn:…:User:userName`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttrPath {
    /// The schema URN when given (`urn:ietf:params:scim:schemas:core:2.0:User`).
    pub urn: Option<String>,
    /// The attribute, lower-cased (`username`).
    pub attr: String,
    /// The sub-attribute, lower-cased (`givenname`).
    pub sub: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Lt,
    Ge,
    Le,
}

/// A comparison's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FilterValue {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: FilterValue,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `emails[type eq "work"]`: the multi-valued attribute has a value matching the filter.
    ValuePath {
        path: AttrPath,
        filter: Box<Filter>,
    },
}

/// Why a filter can't be read: the SCIM `invalidFilter` error's detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FilterError(pub String);

/// At most this many characters in a filter, and this deep in parentheses.
pub const MAX_FILTER_CHARS: usize = 1000;
const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Num(f64),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
}

fn tokens(input: &str) -> Result<Vec<Token>, FilterError> {
    if input.chars().count() > MAX_FILTER_CHARS {
        return Err(FilterError(format!(
            "A filter has at most {MAX_FILTER_CHARS} characters"
        )));
    }
    let chars: Vec<char> = input.chars().collect();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | ')' | '[' | ']' => {
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
                i += 1;
            }
            '"' => {
                let (s, next) = string(&chars, i)?;
                out.push(Token::Str(s));
                i = next;
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() && !"()[]\"".contains(chars[i]) {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                match word.parse::<f64>() {
                    Ok(n) if word.starts_with(|c: char| c.is_ascii_digit() || c == '-') => {
                        out.push(Token::Num(n))
                    }
                    _ => out.push(Token::Word(word)),
                }
            }
        }
    }
    Ok(out)
}

/// A JSON string starting at `chars[start]` (a quote): its value and the index after it.
fn string(chars: &[char], start: usize) -> Result<(String, usize), FilterError> {
    let mut i = start + 1;
    let mut raw = String::from("\"");
    while i < chars.len() {
        raw.push(chars[i]);
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                raw.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '"' => {
                let value = serde_json::from_str::<String>(&raw)
                    .map_err(|_| FilterError("A string in the filter isn't valid JSON".into()))?;
                return Ok((value, i + 1));
            }
            _ => {}
        }
        i += 1;
    }
    Err(FilterError("A string in the filter isn't closed".into()))
}

/// Reads an attribute path: `[urn:]attr[.sub]`.
pub fn attr_path(word: &str) -> Result<AttrPath, FilterError> {
    let bad = || FilterError(format!("{word} isn't an attribute"));
    let (urn, rest) = match word.rfind(':') {
        Some(i) if word[..i].to_ascii_lowercase().starts_with("urn:") => {
            (Some(word[..i].to_string()), &word[i + 1..])
        }
        Some(_) => return Err(bad()),
        None => (None, word),
    };
    let mut parts = rest.split('.');
    let attr = parts.next().filter(|a| is_name(a)).ok_or_else(bad)?;
    let sub = match parts.next() {
        Some(s) if is_name(s) => Some(s.to_ascii_lowercase()),
        Some(_) => return Err(bad()),
        None => None,
    };
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(AttrPath {
        urn,
        attr: attr.to_ascii_lowercase(),
        sub,
    })
}

fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$')
}

fn op(word: &str) -> Option<CompareOp> {
    use CompareOp::*;
    Some(match word.to_ascii_lowercase().as_str() {
        "eq" => Eq,
        "ne" => Ne,
        "co" => Co,
        "sw" => Sw,
        "ew" => Ew,
        "gt" => Gt,
        "lt" => Lt,
        "ge" => Ge,
        "le" => Le,
        _ => return None,
    })
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    depth: usize,
}

/// Parses a whole filter.
pub fn parse(input: &str) -> Result<Filter, FilterError> {
    let mut p = Parser {
        tokens: tokens(input)?,
        at: 0,
        depth: 0,
    };
    if p.tokens.is_empty() {
        return Err(FilterError("The filter is empty".into()));
    }
    let f = p.or()?;
    match p.tokens.get(p.at) {
        None => Ok(f),
        Some(t) => Err(FilterError(format!(
            "Unexpected {} in the filter",
            shown(t)
        ))),
    }
}

fn shown(t: &Token) -> String {
    match t {
        Token::Word(w) => w.clone(),
        Token::Str(s) => format!("\"{s}\""),
        Token::Num(n) => n.to_string(),
        Token::Open => "(".into(),
        Token::Close => ")".into(),
        Token::OpenBracket => "[".into(),
        Token::CloseBracket => "]".into(),
    }
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, FilterError> {
        let mut left = self.unary()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, FilterError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(FilterError("The filter is nested too deeply".into()));
        }
        let f = if self.peek_word("not") {
            self.at += 1;
            Filter::Not(Box::new(self.group()?))
        } else if matches!(self.tokens.get(self.at), Some(Token::Open)) {
            self.group()?
        } else {
            self.attribute_expression()?
        };
        self.depth -= 1;
        Ok(f)
    }

    fn group(&mut self) -> Result<Filter, FilterError> {
        if self.next() != Some(Token::Open) {
            return Err(FilterError("Expected ( in the filter".into()));
        }
        let f = self.or()?;
        if self.next() != Some(Token::Close) {
            return Err(FilterError("A ( in the filter isn't closed".into()));
        }
        Ok(f)
    }

    fn attribute_expression(&mut self) -> Result<Filter, FilterError> {
        let path = match self.next() {
            Some(Token::Word(w)) => attr_path(&w)?,
            Some(t) => {
                return Err(FilterError(format!(
                    "Expected an attribute, found {}",
                    shown(&t)
                )))
            }
            None => return Err(FilterError("The filter ends too soon".into())),
        };
        if matches!(self.tokens.get(self.at), Some(Token::OpenBracket)) {
            self.at += 1;
            let inner = self.or()?;
            if self.next() != Some(Token::CloseBracket) {
                return Err(FilterError("A [ in the filter isn't closed".into()));
            }
            return Ok(Filter::ValuePath {
                path,
                filter: Box::new(inner),
            });
        }
        let Some(Token::Word(w)) = self.next() else {
            return Err(FilterError(
                "Expected an operator (eq, co, sw, pr, …)".into(),
            ));
        };
        if w.eq_ignore_ascii_case("pr") {
            return Ok(Filter::Present(path));
        }
        let op = op(&w).ok_or_else(|| FilterError(format!("{w} isn't an operator")))?;
        let value = match self.next() {
            Some(Token::Str(s)) => FilterValue::Str(s),
            Some(Token::Num(n)) => FilterValue::Num(n),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => FilterValue::Bool(true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => FilterValue::Bool(false),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("null") => FilterValue::Null,
            _ => {
                return Err(FilterError(
                    "Expected a value: a string, number, true, false or null".into(),
                ))
            }
        };
        Ok(Filter::Compare { path, op, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(attr: &str, sub: Option<&str>) -> AttrPath {
        AttrPath {
            urn: None,
            attr: attr.into(),
            sub: sub.map(str::to_string),
        }
    }

    fn eq(attr: &str, v: &str) -> Filter {
        Filter::Compare {
            path: path(attr, None),
            op: CompareOp::Eq,
            value: FilterValue::Str(v.into()),
        }
    }

    #[test]
    fn comparisons_presence_and_values() {
        assert_eq!(
            parse(r#"userName eq "ann@example.com""#).unwrap(),
            eq("username", "ann@example.com")
        );
        // Okta's lookup; Entra ID's capitalized operator; escapes.
        assert_eq!(
            parse(r#"userName Eq "a\"b""#).unwrap(),
            eq("username", "a\"b")
        );
        assert_eq!(
            parse("externalId pr").unwrap(),
            Filter::Present(path("externalid", None))
        );
        assert_eq!(
            parse("active eq False").unwrap(),
            Filter::Compare {
                path: path("active", None),
                op: CompareOp::Eq,
                value: FilterValue::Bool(false)
            }
        );
        assert_eq!(
            parse(r#"name.givenName sw "An""#).unwrap(),
            Filter::Compare {
                path: path("name", Some("givenname")),
                op: CompareOp::Sw,
                value: FilterValue::Str("An".into())
            }
        );
        let full = parse(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#).unwrap();
        let Filter::Compare { path, .. } = full else {
            panic!()
        };
        assert_eq!(
            path.urn.as_deref(),
            Some("urn:ietf:params:scim:schemas:core:2.0:User")
        );
        assert_eq!(path.attr, "username");
    }

    #[test]
    fn precedence_groups_and_value_paths() {
        // not > and > or.
        let f = parse(r#"a eq "1" or b eq "2" and not (c pr)"#).unwrap();
        assert_eq!(
            f,
            Filter::Or(
                Box::new(eq("a", "1")),
                Box::new(Filter::And(
                    Box::new(eq("b", "2")),
                    Box::new(Filter::Not(Box::new(Filter::Present(path("c", None)))))
                ))
            )
        );
        let f = parse(r#"(a eq "1" or b eq "2") and c eq "3""#).unwrap();
        assert!(matches!(f, Filter::And(l, _) if matches!(*l, Filter::Or(..))));
        let f = parse(r#"emails[type eq "work" and value co "@example.com"]"#).unwrap();
        let Filter::ValuePath { path: p, filter } = f else {
            panic!()
        };
        assert_eq!(p, path("emails", None));
        assert!(matches!(*filter, Filter::And(..)));
    }

    #[test]
    fn bad_filters_say_why() {
        for bad in [
            "",
            "userName",
            "userName eq",
            "userName xx \"a\"",
            "userName eq \"open",
            "(userName eq \"a\"",
            "userName eq \"a\")",
            "emails[type eq \"work\"",
            "1abc eq \"a\"",
            "a.b.c eq \"x\"",
            "userName eq bare",
            "not userName eq \"a\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
        let deep = format!("{}a pr{}", "(".repeat(40), ")".repeat(40));
        assert!(parse(&deep).unwrap_err().0.contains("nested"));
        assert!(parse(&"a".repeat(1001)).is_err());
    }
}
