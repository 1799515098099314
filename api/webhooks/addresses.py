"""Which IP addresses a webhook may be sent to: public unicast ones only.

`refusal(address)` names the kind of a non-public address, or is None for a public one. The
lists are written out rather than left to `ipaddress`'s `is_global` alone, whose answers
differ between Python versions (multicast, 6to4, NAT64 and site-local addresses pass it on
3.11); `is_global` still has the last word, so a range it learns of later is refused too.
An IPv6 address that carries an IPv4 one (mapped, 6to4, Teredo, NAT64) is judged by that
IPv4 address as well.
"""

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_network

IPAddress = IPv4Address | IPv6Address

# (network, kind), the first match naming the kind. Loopback comes first: development allows it.
_V4: tuple[tuple[IPv4Network, str], ...] = tuple(
    (IPv4Network(net), kind)
    for net, kind in (
        ("127.0.0.0/8", "loopback"),
        ("0.0.0.0/8", "unspecified (this network)"),
        ("10.0.0.0/8", "private"),
        ("172.16.0.0/12", "private"),
        ("192.168.0.0/16", "private"),
        ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
        ("169.254.0.0/16", "link-local"),
        ("192.0.0.0/24", "reserved (IETF protocol assignments)"),
        ("192.0.2.0/24", "documentation"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("198.18.0.0/15", "benchmarking"),
        ("192.88.99.0/24", "reserved (6to4 relay anycast)"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),  # 255.255.255.255, the broadcast address, among them
    )
)
_V6: tuple[tuple[IPv6Network, str], ...] = tuple(
    (IPv6Network(net), kind)
    for net, kind in (
        ("::1/128", "loopback"),
        ("::/128", "unspecified"),
        ("::/96", "reserved (IPv4-compatible)"),
        ("fc00::/7", "private (unique local)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
        ("100::/64", "reserved (discard-only)"),
        ("64:ff9b:1::/48", "private (local-use NAT64)"),
        ("2001:2::/48", "benchmarking"),
        ("2001:10::/28", "reserved (ORCHID)"),
        ("2001:20::/28", "reserved (ORCHIDv2)"),
        ("::/8", "reserved"),
    )
)
_NAT64 = ip_network("64:ff9b::/96")


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for or carries (IPv4-mapped, 6to4, Teredo client,
    well-known NAT64 prefix), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def refusal(address: IPAddress) -> str | None:
    """The kind of a non-public `address` ("loopback", "private", "link-local", …), or None when
    a webhook may go there."""
    if isinstance(address, IPv6Address):
        if address.scope_id is not None:
            return "link-local (scoped)"
        inner = embedded_ipv4(address)
        if inner is not None:
            kind = refusal(inner)
            if kind is not None:
                return kind if address.ipv4_mapped is not None else f"{kind} (embedded in IPv6)"
            if address.ipv4_mapped is not None or address in _NAT64:
                return None  # the connection goes to a public IPv4 address
        for network6, kind in _V6:
            if address in network6:
                return kind
    else:
        for network4, kind in _V4:
            if address in network4:
                return kind
    if not address.is_global:
        return "not globally routable"
    return None


def normalized(address: IPAddress) -> IPAddress:
    """The address a connection goes to: an IPv4-mapped IPv6 address as its IPv4 address."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address
