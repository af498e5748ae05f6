//! Requests the server makes on a user's behalf (docs/rules/network.md#requests-the-server-makes):
//! the host is resolved through an injected [`Resolver`], every address it names must be
//! admitted by the operator's [`OutboundRule`], and the connection goes to the address that
//! was checked — a name can't resolve to a public address for the check and to an internal
//! one for the request.

use crate::domain::network::OutboundRule;
use crate::domain::Refusal;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Names to addresses: the system's resolver, or a test's.
pub trait Resolver: Send + Sync + std::fmt::Debug {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>>;
}

/// The operating system's resolver.
#[derive(Debug)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, port)).await?.collect()) })
    }
}

/// Why no request was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundRefusal {
    /// The host names no address (or the URL none at all).
    NoAddress,
    /// An address the rule doesn't admit.
    Refused(Refusal),
}

/// Where a request may go: the URL's host and the one address it connects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// A host name to pin to `address` (`None`: the URL names an address).
    pub host: Option<String>,
    pub address: SocketAddr,
}

impl Destination {
    /// Checks `url`'s host: every address it resolves to must be admitted.
    pub async fn check(
        url: &reqwest::Url,
        rule: &OutboundRule,
        resolver: &dyn Resolver,
    ) -> Result<Destination, OutboundRefusal> {
        let port = url
            .port_or_known_default()
            .ok_or(OutboundRefusal::NoAddress)?;
        let (host, addresses) = match url.host() {
            Some(url::Host::Ipv4(ip)) => (None, vec![SocketAddr::new(ip.into(), port)]),
            Some(url::Host::Ipv6(ip)) => (None, vec![SocketAddr::new(ip.into(), port)]),
            Some(url::Host::Domain(name)) => {
                let found = resolver.resolve(name, port).await.unwrap_or_default();
                (Some(name.to_string()), found)
            }
            None => return Err(OutboundRefusal::NoAddress),
        };
        let Some(first) = addresses.first().copied() else {
            return Err(OutboundRefusal::NoAddress);
        };
        if addresses.iter().any(|a| !rule.admits(a.ip())) {
            return Err(OutboundRefusal::Refused(Refusal::InternalAddress));
        }
        Ok(Destination {
            host,
            address: first,
        })
    }

    /// A client that connects to this destination's address only: no resolving again, no
    /// proxy, no redirects.
    pub fn client(&self, timeout: Duration) -> reqwest::Result<reqwest::Client> {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none());
        if let Some(host) = &self.host {
            builder = builder.resolve(host, self.address);
        }
        builder.build()
    }
}

/// The resolver a service uses unless told otherwise.
pub fn system_resolver() -> Arc<dyn Resolver> {
    Arc::new(SystemResolver)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers every name with the given addresses; counts nothing else.
    #[derive(Debug)]
    struct Fixed(Vec<&'static str>);

    impl Resolver for Fixed {
        fn resolve<'a>(
            &'a self,
            _host: &'a str,
            port: u16,
        ) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<SocketAddr>>> + Send + 'a>> {
            let found = self
                .0
                .iter()
                .map(|ip| SocketAddr::new(ip.parse().expect("ip"), port))
                .collect();
            Box::pin(async move { Ok(found) })
        }
    }

    async fn check(url: &str, answers: Vec<&'static str>) -> Result<Destination, OutboundRefusal> {
        let url = reqwest::Url::parse(url).expect("url");
        Destination::check(&url, &OutboundRule::default(), &Fixed(answers)).await
    }

    #[tokio::test]
    async fn a_name_is_refused_when_any_of_its_addresses_is_internal() {
        let refused = Err(OutboundRefusal::Refused(Refusal::InternalAddress));
        assert_eq!(
            check("https://hooks.example.com/x", vec!["10.0.0.1"]).await,
            refused
        );
        assert_eq!(
            check(
                "https://hooks.example.com/x",
                vec!["93.184.216.34", "127.0.0.1"]
            )
            .await,
            refused
        );
        assert_eq!(check("https://127.0.0.1/", vec![]).await, refused);
        assert_eq!(check("https://[::1]:8443/", vec![]).await, refused);
        assert_eq!(
            check("https://hooks.example.com/x", vec![]).await,
            Err(OutboundRefusal::NoAddress)
        );
        let ok = check("https://hooks.example.com:8443/x", vec!["93.184.216.34"])
            .await
            .expect("public");
        assert_eq!(ok.host.as_deref(), Some("hooks.example.com"));
        assert_eq!(ok.address, "93.184.216.34:8443".parse().expect("addr"));
    }
}
