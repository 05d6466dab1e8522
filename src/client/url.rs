//! The URL `h2lab-client` is given — RFC 3986 §3, RFC 9113 §3.2, §3.3 and §8.3.1.
//!
//! `https://HOST[:PORT][/PATH]` is HTTP/2 over TLS with ALPN `h2`, `http://…` cleartext HTTP/2
//! with prior knowledge. The URL also gives what a request carries unless a script says otherwise:
//! `:scheme`, `:authority` (the host and port as written) and `:path`.

use std::net::{SocketAddr, ToSocketAddrs};

use super::Transport;

/// Where the client connects, and the request defaults that follow from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// TLS or cleartext, from the scheme.
    pub transport: Transport,
    /// The host as written, without brackets around an IPv6 address.
    pub host: String,
    /// The port, 443 or 80 when the URL has none.
    pub port: u16,
    /// `:authority`: the host and port as written in the URL (RFC 9113 §8.3.1).
    pub authority: String,
    /// `:path`: the URL's path and query, `/` when it has none.
    pub path: String,
}

impl Target {
    /// Reads `url`, or says what is wrong with it.
    pub fn parse(url: &str) -> Result<Target, String> {
        let (transport, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Transport::Tls, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Transport::Cleartext, rest)
        } else {
            return Err(format!(
                "{url:?} is not an https:// (TLS) or http:// (h2c) URL"
            ));
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(at) => rest.split_at(at),
            None => (rest, ""),
        };
        let path = match path {
            "" => "/".to_string(),
            query if query.starts_with('?') => format!("/{query}"),
            path => path.to_string(),
        };
        let (host, port) = host_and_port(authority)
            .ok_or_else(|| format!("{url:?} does not name a host (and a port)"))?;
        let port = match port {
            Some(port) => port
                .parse()
                .map_err(|_| format!("{port:?} is not a port number"))?,
            None if transport == Transport::Tls => 443,
            None => 80,
        };
        Ok(Target {
            transport,
            host: host.to_string(),
            port,
            authority: authority.to_string(),
            path,
        })
    }

    /// The addresses the host resolves to, in the resolver's order.
    pub fn addresses(&self) -> Result<Vec<SocketAddr>, String> {
        let found: Vec<SocketAddr> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))?
            .collect();
        if found.is_empty() {
            return Err(format!("{} has no address", self.host));
        }
        Ok(found)
    }
}

/// `host[:port]` or `[v6]:port`, without user information (RFC 3986 §3.2).
fn host_and_port(authority: &str) -> Option<(&str, Option<&str>)> {
    if authority.contains('@') {
        return None;
    }
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']')?;
        let port = match after {
            "" => None,
            after => Some(after.strip_prefix(':')?),
        };
        return Some((host, port));
    }
    let (host, port) = match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    (!host.is_empty()).then_some((host, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_http_choose_the_transport_and_the_default_port() {
        let tls = Target::parse("https://127.0.0.1:8443/index.html").unwrap();
        assert_eq!(tls.transport, Transport::Tls);
        assert_eq!((tls.host.as_str(), tls.port), ("127.0.0.1", 8443));
        assert_eq!(tls.authority, "127.0.0.1:8443");
        assert_eq!(tls.path, "/index.html");
        let h2c = Target::parse("http://localhost").unwrap();
        assert_eq!((h2c.transport, h2c.port), (Transport::Cleartext, 80));
        assert_eq!(
            (h2c.authority.as_str(), h2c.path.as_str()),
            ("localhost", "/")
        );
    }

    #[test]
    fn an_ipv6_host_is_bracketed_in_the_authority_only() {
        let target = Target::parse("https://[::1]:8443?x=1").unwrap();
        assert_eq!(target.host, "::1");
        assert_eq!(target.authority, "[::1]:8443");
        assert_eq!(target.path, "/?x=1");
    }

    #[test]
    fn other_schemes_user_information_and_bad_ports_are_refused() {
        assert!(Target::parse("ftp://x").is_err());
        assert!(Target::parse("https://user@x").is_err());
        assert!(Target::parse("https://x:http").is_err());
        assert!(Target::parse("https://:8443").is_err());
    }
}
