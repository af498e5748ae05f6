//! Field rules the settings pages share: folder paths, host names, URLs, tags, lists.

/// A folder path (`products/shoes`): ≤ 255 characters, `/`-separated non-empty segments,
/// none of `? & # \ % < > "` or control characters. Leading and trailing `/` are dropped;
/// empty means the root.
pub fn folder(raw: &str, what: &str) -> Result<String, String> {
    let v = raw.trim().trim_matches('/');
    if v.chars().count() > 255 {
        return Err(format!("{what} must be at most 255 characters"));
    }
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.split('/').any(|s| s.trim().is_empty()) {
        return Err(format!(
            "{what} can't have an empty folder name between slashes"
        ));
    }
    if let Some(c) = v
        .chars()
        .find(|c| c.is_control() || "?&#\\%<>\"".contains(*c))
    {
        return Err(format!("{what} can't contain \"{c}\""));
    }
    Ok(v.to_string())
}

/// A DNS host name, lowercased: labels of 1–63 `a-z 0-9 -` (not starting or ending with
/// `-`), at most 253 characters. With `wildcard`, a leading `*.` is allowed.
pub fn hostname(raw: &str, wildcard: bool) -> Result<String, String> {
    let v = raw.trim().trim_end_matches('.').to_lowercase();
    let bare = match v.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        Some(_) => return Err(format!("\"{v}\": wildcards aren't allowed here")),
        None => v.as_str(),
    };
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if bare.is_empty() || v.len() > 253 || !bare.split('.').all(label_ok) {
        return Err(format!("\"{}\" is not a valid host name", raw.trim()));
    }
    if wildcard && !bare.contains('.') && v.starts_with("*.") {
        return Err(format!(
            "\"{v}\": a wildcard needs a domain (*.example.com)"
        ));
    }
    Ok(v)
}

/// An absolute `http`/`https` URL of at most 2048 characters, without user or password.
/// `https_only` refuses `http`.
pub fn web_url(raw: &str, https_only: bool, what: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() {
        return Err(format!("{what} is required"));
    }
    if v.chars().count() > 2048 {
        return Err(format!("{what} must be at most 2048 characters"));
    }
    let url = url::Url::parse(v).map_err(|_| format!("\"{v}\" is not a valid URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if !https_only => {}
        "http" => return Err(format!("{what} must use https")),
        _ => return Err(format!("{what} must start with https://")),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{what} needs a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{what} can't contain a user name or password"));
    }
    Ok(v.to_string())
}

/// Trimmed, non-empty, de-duplicated tags: at most `max`, each ≤ 255 characters, no commas.
pub fn tags(raw: &[String], max: usize) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for t in raw.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        if t.chars().count() > 255 {
            return Err("A tag must be at most 255 characters".into());
        }
        if t.contains(',') || t.chars().any(char::is_control) {
            return Err(format!("Tag \"{t}\" can't contain commas"));
        }
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    if out.len() > max {
        return Err(format!("At most {max} tags"));
    }
    Ok(out)
}

/// Checks each entry of a list and collects the good ones; the first bad entries are
/// named in the field `field` (one message listing them). Duplicates are dropped.
pub fn list(
    raw: &[String],
    max: usize,
    what: &str,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut bad = Vec::new();
    for entry in raw.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
        match check(entry) {
            Ok(v) if !out.contains(&v) => out.push(v),
            Ok(_) => {}
            Err(m) => bad.push(m),
        }
    }
    if !bad.is_empty() {
        return Err(bad.join("; "));
    }
    if out.len() > max {
        return Err(format!("At most {max} {what} ({} given)", out.len()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders() {
        assert_eq!(folder(" /a/b/ ", "Folder"), Ok("a/b".into()));
        assert_eq!(folder("", "Folder"), Ok(String::new()));
        assert!(folder("a//b", "Folder").is_err());
        assert!(folder("a?b", "Folder").unwrap_err().contains('?'));
        assert!(folder(&"a".repeat(256), "Folder").is_err());
    }

    #[test]
    fn hostnames() {
        assert_eq!(hostname("Example.COM", false), Ok("example.com".into()));
        assert_eq!(hostname("*.example.com", true), Ok("*.example.com".into()));
        assert!(hostname("*.example.com", false).is_err());
        assert!(hostname("-bad.com", false).is_err());
        assert!(hostname("a b.com", false).is_err());
        assert!(hostname("*.com", true).is_err());
    }

    #[test]
    fn urls() {
        assert!(web_url("https://hooks.example.com/x?y=1", true, "URL").is_ok());
        assert_eq!(
            web_url("http://hooks.example.com", true, "URL"),
            Err("URL must use https".into())
        );
        assert!(web_url("http://hooks.example.com", false, "URL").is_ok());
        assert!(web_url("https://u:p@hooks.example.com", true, "URL")
            .unwrap_err()
            .contains("user name"));
        assert!(web_url("ftp://x.com", false, "URL").is_err());
        assert!(web_url("not a url", true, "URL").is_err());
        let long = format!("https://x.com/{}", "a".repeat(2040));
        assert!(web_url(&long, true, "URL").unwrap_err().contains("2048"));
    }

    #[test]
    fn tags_and_lists() {
        let t = |v: &[&str]| tags(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), 2);
        assert_eq!(t(&[" a ", "a", "", "b"]), Ok(vec!["a".into(), "b".into()]));
        assert!(t(&["a", "b", "c"]).is_err());
        assert!(t(&["a,b"]).is_err());
        let l = list(&["x.com".into(), "bad host".into()], 5, "domains", |h| {
            hostname(h, false)
        });
        assert!(l.unwrap_err().contains("bad host"));
    }
}
