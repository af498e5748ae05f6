//! Allowed IP address lists (docs/rules/environments.md#environment-settings): IPv4/IPv6 addresses
//! or CIDR ranges with host bits zero, each with an optional label, at most 100. Used by an
//! environment's Security page now and by Account security later.

use super::FieldErrors;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

pub const MAX_ALLOWED_IPS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedIp {
    /// `203.0.113.7`, `203.0.113.0/24` or `2001:db8::/32`.
    pub address: String,
    pub label: String,
}

/// One entry, normalized (`203.0.113.7` stays an address; a range prints canonically).
pub fn entry(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if let Ok(a) = v.parse::<IpAddr>() {
        return Ok(a.to_string());
    }
    let net: IpNet = v
        .parse()
        .map_err(|_| format!("\"{v}\" is not an IP address or CIDR range"))?;
    if net.trunc() != net {
        return Err(format!(
            "\"{v}\" has host bits set; the range is {}",
            net.trunc()
        ));
    }
    Ok(net.to_string())
}

/// A list typed one entry per line: an address or range, then optionally a label
/// (`203.0.113.0/24 Office`). Blank lines are skipped.
pub fn parse_lines(text: &str) -> Vec<AllowedIp> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (address, label) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            AllowedIp {
                address: address.to_string(),
                label: label.trim().to_string(),
            }
        })
        .collect()
}

/// The list as lines again ([`parse_lines`] reads them back).
pub fn to_lines(list: &[AllowedIp]) -> String {
    list.iter()
        .map(|e| {
            if e.label.is_empty() {
                e.address.clone()
            } else {
                format!("{} {}", e.address, e.label)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lock-out guard of the account's list: a list that doesn't allow the address of
/// whoever saves it would lock them out at once.
pub fn guard_own_address(list: &[AllowedIp], yours: IpAddr, field: &str, e: &mut FieldErrors) {
    if e.is_empty() && !allows(list, yours) {
        e.add(
            field,
            format!("This list would block your own access from {yours}"),
        );
    }
}

/// Does the list allow `ip`? An empty list allows every address.
pub fn allows(list: &[AllowedIp], ip: IpAddr) -> bool {
    // An IPv4 client seen on an IPv6 socket (`::ffff:203.0.113.7`) is its IPv4 address.
    let ip = ip.to_canonical();
    list.is_empty()
        || list.iter().any(|e| match e.address.parse::<IpNet>() {
            Ok(net) => net.contains(&ip),
            Err(_) => e.address.parse::<IpAddr>() == Ok(ip),
        })
}

/// Validates the list; each bad entry is named by its position (`{field}.{i}.address`).
pub fn validate(list: Vec<AllowedIp>, field: &str, e: &mut FieldErrors) -> Vec<AllowedIp> {
    if list.len() > MAX_ALLOWED_IPS {
        e.add(
            field,
            format!("At most {MAX_ALLOWED_IPS} addresses or ranges"),
        );
    }
    let mut out: Vec<AllowedIp> = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        let address = match entry(&item.address) {
            Ok(a) if out.iter().any(|o| o.address == a) => {
                e.add(
                    &format!("{field}.{i}.address"),
                    format!("{a} is listed twice"),
                );
                a
            }
            Ok(a) => a,
            Err(m) => {
                e.add(&format!("{field}.{i}.address"), m);
                item.address
            }
        };
        let label = e
            .check(
                &format!("{field}.{i}.label"),
                super::validation::name(&item.label, 0, 100, "Label"),
            )
            .unwrap_or(item.label);
        out.push(AllowedIp { address, label });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_back_with_their_labels_and_the_guard_names_your_address() {
        let list =
            parse_lines("203.0.113.0/24 Head office\n\n  2001:db8::/32  \n198.51.100.7 VPN exit\n");
        assert_eq!(list.len(), 3);
        assert_eq!(list[0].label, "Head office");
        assert_eq!(list[1].address, "2001:db8::/32");
        assert_eq!(parse_lines(&to_lines(&list)), list);
        let mut e = FieldErrors::new();
        guard_own_address(
            &list,
            "198.51.100.8".parse().unwrap(),
            "allowed_ips",
            &mut e,
        );
        assert_eq!(
            e.get("allowed_ips"),
            Some("This list would block your own access from 198.51.100.8")
        );
        let mut e = FieldErrors::new();
        guard_own_address(
            &list,
            "::ffff:203.0.113.9".parse().unwrap(),
            "allowed_ips",
            &mut e,
        );
        assert!(e.is_empty());
        assert!(allows(&[], "192.0.2.1".parse().unwrap()));
    }

    #[test]
    fn entries() {
        assert_eq!(entry(" 203.0.113.7 "), Ok("203.0.113.7".into()));
        assert_eq!(entry("203.0.113.0/24"), Ok("203.0.113.0/24".into()));
        assert_eq!(entry("2001:db8::/32"), Ok("2001:db8::/32".into()));
        assert!(entry("203.0.113.5/24")
            .unwrap_err()
            .contains("203.0.113.0/24"));
        assert!(entry("example.com").is_err());
    }

    #[test]
    fn lists() {
        let item = |a: &str| AllowedIp {
            address: a.into(),
            label: String::new(),
        };
        let list = vec![item("203.0.113.0/24"), item("2001:db8::1")];
        assert!(allows(&list, "203.0.113.9".parse().unwrap()));
        assert!(allows(&list, "2001:db8::1".parse().unwrap()));
        assert!(!allows(&list, "198.51.100.1".parse().unwrap()));
        assert!(allows(&[], "198.51.100.1".parse().unwrap()));
        let mut e = FieldErrors::new();
        validate(
            vec![item("10.0.0.1"), item("10.0.0.1"), item("x")],
            "ips",
            &mut e,
        );
        assert!(e.get("ips.1.address").unwrap().contains("twice"));
        assert!(e.get("ips.2.address").is_some());
    }
}
