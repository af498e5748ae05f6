//! Which addresses the server may send to on a user's behalf (docs/rules/network.md#requests-the-server-makes):
//! never its own host, a private network, a link-local or unique-local address, unless the
//! operator allowed that network.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An address the public internet can't reach: loopback, private (RFC 1918), shared
/// (100.64/10), link-local, unique-local (fc00::/7), unspecified, "this network",
/// multicast, broadcast or reserved. IPv4 inside IPv6 (mapped, NAT64 `64:ff9b::/96`) is
/// judged as the IPv4 address it carries.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip.to_canonical() {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [.., c, d, e, f] = ip.octets();
        return internal_v4(Ipv4Addr::new(c, d, e, f));
    }
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
}

/// The operator's exceptions: internal networks the server may send to all the same.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundRule {
    pub allowed: Vec<IpNet>,
}

impl OutboundRule {
    /// May the server connect to `ip`?
    pub fn admits(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        !is_internal(ip) || self.allowed.iter().any(|n| n.contains(&ip))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn internal_addresses_are_refused_public_ones_admitted() {
        let rule = OutboundRule::default();
        for internal in [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
            "64:ff9b::7f00:1",
        ] {
            assert!(!rule.admits(ip(internal)), "{internal} is internal");
        }
        for public in [
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "64:ff9b::5db8:d822",
        ] {
            assert!(rule.admits(ip(public)), "{public} is public");
        }
    }

    #[test]
    fn the_operator_can_allow_an_internal_network() {
        let rule = OutboundRule {
            allowed: vec!["10.20.0.0/16".parse().expect("net")],
        };
        assert!(rule.admits(ip("10.20.3.4")));
        assert!(rule.admits(ip("::ffff:10.20.3.4")));
        assert!(!rule.admits(ip("10.21.0.1")));
        assert!(!rule.admits(ip("127.0.0.1")));
    }
}
