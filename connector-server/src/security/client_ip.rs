//! The client's IP address, for the per-IP rate limit: the TCP peer, unless the peer is a
//! proxy the server trusts (`ServerConfig::trusted_proxies`, e.g. the load balancer's
//! subnet), in which case the `X-Forwarded-For` chain is read from the right, past every
//! trusted hop, to the first address no trusted proxy vouches for.
//!
//! Only the right end of the chain is believed: each trusted proxy appends the address it
//! saw, so the entries left of the first untrusted one are whatever the client wrote and
//! are never read. A client therefore cannot choose its own key by sending the header: with
//! no trusted proxies the header is ignored altogether, and behind them a forged prefix
//! changes nothing. Without a usable header the peer itself is the client (one bucket for
//! the proxy, the conservative answer).

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The header proxies append the address they saw to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// The address the per-IP rate limit keys on.
pub(crate) fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    // Several headers are one list, in order (RFC 9110, section 5.3).
    let entries: Vec<&str> = headers
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in entries.iter().rev() {
        match parse(entry) {
            Some(ip) if is_trusted(&ip) => client = ip,
            Some(ip) => return ip,
            // Not an address: nothing a trusted proxy wrote; the last trusted hop is the
            // best answer.
            None => return client,
        }
    }
    client
}

/// One entry: an IPv4 or IPv6 address, possibly with a port (`1.2.3.4:5678`,
/// `[2001:db8::1]:443`).
fn parse(entry: &str) -> Option<IpAddr> {
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    entry
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse().ok())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn lb() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().unwrap(), "fd00::/8".parse().unwrap()]
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let forged = headers(&["198.51.100.7"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &forged, &[]),
            ip("203.0.113.9")
        );
        assert_eq!(client_ip(ip("10.0.0.5"), &forged, &[]), ip("10.0.0.5"));
    }

    #[test]
    fn a_peer_that_is_not_a_trusted_proxy_is_the_client_whatever_it_sends() {
        let forged = headers(&["198.51.100.7"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &forged, &lb()),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() {
        let cases: &[(&[&str], &str)] = &[
            (&["198.51.100.7"], "198.51.100.7"),
            // The client's own forged entries are left of what the proxies appended.
            (&["1.1.1.1, 198.51.100.7"], "198.51.100.7"),
            (&["1.1.1.1", "198.51.100.7, 10.1.2.3"], "198.51.100.7"),
            (&["198.51.100.7:5123"], "198.51.100.7"),
            (&["[2001:db8::7]:443"], "2001:db8::7"),
            (&["2001:db8::7, fd00::1"], "2001:db8::7"),
            // No header, or nothing but trusted hops: the innermost trusted address.
            (&[], "10.0.0.5"),
            (&["10.9.9.9"], "10.9.9.9"),
            // Garbage where an address should be: the last trusted hop.
            (&["not-an-ip"], "10.0.0.5"),
            (&["unknown, 10.9.9.9"], "10.9.9.9"),
        ];
        for (values, expected) in cases {
            assert_eq!(
                client_ip(ip("10.0.0.5"), &headers(values), &lb()),
                ip(expected),
                "{values:?}"
            );
        }
    }

    proptest! {
        /// Whatever a client writes in front of the chain the proxies appended, the key is
        /// the same: it cannot pick its own bucket.
        #[test]
        fn a_forged_prefix_never_changes_the_client(
            prefix in proptest::collection::vec("[0-9a-z.:\\[\\] ]{0,20}", 0..5),
            client in any::<[u8; 4]>(),
            hops in proptest::collection::vec(any::<[u8; 3]>(), 0..3),
        ) {
            let client = IpAddr::from(client);
            prop_assume!(!lb().iter().any(|net| net.contains(&client)));
            let appended: Vec<String> = std::iter::once(client.to_string())
                .chain(hops.iter().map(|h| IpAddr::from([10, h[0], h[1], h[2]]).to_string()))
                .collect();
            let honest = headers(&[&appended.join(", ")]);
            let mut forged_values: Vec<String> = prefix.iter().map(|p| p.replace(',', "")).collect();
            forged_values.retain(|p| HeaderValue::from_str(p).is_ok());
            forged_values.push(appended.join(", "));
            let forged_refs: Vec<&str> = forged_values.iter().map(String::as_str).collect();
            let forged = headers(&forged_refs);
            prop_assert_eq!(client_ip(ip("10.0.0.5"), &honest, &lb()), client);
            prop_assert_eq!(client_ip(ip("10.0.0.5"), &forged, &lb()), client);
        }
    }
}
