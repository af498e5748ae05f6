//! Where a request came from: the client address under the trusted-proxy rule
//! (docs/rules/network.md), the user agent and a fresh request id.

use app::service::RequestMeta;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{HeaderValue, USER_AGENT};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// The proxies whose `X-Forwarded-For` is believed (`CONSOLE_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(nets: &[IpNet]) -> TrustedProxies {
        TrustedProxies(nets.iter().map(IpNet::trunc).collect())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the socket's, unless the socket is a trusted proxy — then
    /// `X-Forwarded-For` is walked right to left (each proxy appends the address it saw)
    /// and the first address that isn't a trusted proxy is the client. An entry that
    /// isn't an address ends the walk at the last hop a trusted proxy vouched for.
    pub fn client_address<'a>(
        &self,
        socket: IpAddr,
        forwarded_for: impl Iterator<Item = &'a str>,
    ) -> IpAddr {
        let mut client = socket.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
        for hop in hops.into_iter().rev() {
            let Some(ip) = forwarded_address(hop) else {
                return client;
            };
            client = ip;
            if !self.trusts(ip) {
                return ip;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, optionally with a port (`1.2.3.4:80`,
/// `[2001:db8::1]:80`).
fn forwarded_address(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<SocketAddr>()
        .ok()
        .map(|s| s.ip().to_canonical())
}

/// Attaches [`RequestMeta`] (client address, user agent, a fresh request id) to the
/// request for the handlers and the audit log, and echoes the id as `X-Request-Id`. The
/// built files (`/pkg`) get neither: nothing is audited for them, and a page loads up to
/// 200 of them (43 bytes of header each).
pub async fn attach_request_meta(
    State(proxies): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    if crate::assets::is_asset_path(req.uri().path()) {
        return next.run(req).await;
    }
    let socket = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let forwarded = req.headers().get_all("x-forwarded-for");
    let ip = proxies.client_address(socket, forwarded.iter().filter_map(|v| v.to_str().ok()));
    let user_agent = req
        .headers()
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(512).collect());
    let request_id = app::service::random_hex(&app::service::OsEntropy, 12);
    req.extensions_mut().insert(RequestMeta {
        ip,
        user_agent,
        request_id: request_id.clone(),
    });
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(nets: &[&str]) -> TrustedProxies {
        let nets: Vec<IpNet> = nets.iter().map(|n| n.parse().expect("net")).collect();
        TrustedProxies::new(&nets)
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_socket_is_the_client_whatever_it_forwards() {
        let p = proxies(&["10.0.0.0/8"]);
        let got = p.client_address(ip("198.51.100.9"), ["203.0.113.1"].into_iter());
        assert_eq!(got, ip("198.51.100.9"));
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("127.0.0.1"), ["203.0.113.1"].into_iter()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_walk_goes_right_to_left_past_trusted_proxies_only() {
        let p = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        // A client that forges a first entry can't choose its address: the proxy appended
        // the real one to the right.
        let got = p.client_address(
            ip("127.0.0.1"),
            ["1.1.1.1, 203.0.113.5", "10.1.2.3"].into_iter(),
        );
        assert_eq!(got, ip("203.0.113.5"));
        // Every hop trusted: the leftmost.
        let got = p.client_address(ip("127.0.0.1"), ["10.0.0.2, 10.0.0.3"].into_iter());
        assert_eq!(got, ip("10.0.0.2"));
        // No header: the proxy itself.
        assert_eq!(
            p.client_address(ip("127.0.0.1"), std::iter::empty()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn garbage_ends_the_walk_at_the_last_vouched_hop() {
        let p = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        let got = p.client_address(
            ip("127.0.0.1"),
            ["203.0.113.5, unknown, 10.0.0.9"].into_iter(),
        );
        assert_eq!(got, ip("10.0.0.9"));
        let got = p.client_address(ip("127.0.0.1"), ["not an address"].into_iter());
        assert_eq!(got, ip("127.0.0.1"));
    }

    #[test]
    fn ports_brackets_and_mapped_addresses_are_read() {
        let p = proxies(&["127.0.0.1/32", "::1/128"]);
        assert_eq!(
            p.client_address(ip("::ffff:127.0.0.1"), ["203.0.113.5:4711"].into_iter()),
            ip("203.0.113.5")
        );
        assert_eq!(
            p.client_address(ip("::1"), ["[2001:db8::7]:443"].into_iter()),
            ip("2001:db8::7")
        );
        assert_eq!(
            p.client_address(ip("::1"), ["::ffff:198.51.100.4"].into_iter()),
            ip("198.51.100.4")
        );
    }
}
