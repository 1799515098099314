"""Where a webhook may go (DESIGN section 9): checked when an endpoint is saved and again
before every attempt, so a name that later resolves to an inner address (DNS rebinding) is
caught, and the attempt connects to the addresses vetted here, never to a second look-up.

Refused everywhere: schemes other than http(s), URLs with a user name or password
(`https://good@127.0.0.1`), a fragment, whitespace or control characters, and hosts that are
or resolve to a non-public address (`addresses.refusal`: private, link-local, multicast,
reserved, shared, documentation, unspecified…). A host is read the way the system resolver
would read it: `2130706433`, `0x7f.1` and `017700000001` are 127.0.0.1 (`inet_aton`), and a
name whose last label is a number but that is no IPv4 address is refused. Every address a
name resolves to must pass, since the system may connect to any of them.
`ENVIRONMENT=production` also refuses `http` and `localhost` names; development allows `http`
and loopback addresses (`localhost`, 127.0.0.0/8, ::1), so a developer can receive webhooks
on their own machine, but still refuses private ones.
"""

import re
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, ip_address
from urllib.parse import urlsplit

from api.config import Environment
from api.webhooks.addresses import IPAddress, normalized, refusal

MAX_URL_LENGTH = 2048
DEFAULT_PORTS = {"http": 80, "https": 443}

# A name and a port → the addresses the system resolver gives for them, as text.
Resolver = Callable[[str, int], Iterable[str]]

_NUMERIC_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}")
_NUMERIC_LABEL = re.compile(r"0x[0-9a-f]*|[0-9]+")
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


class DestinationRefused(ValueError):
    """A webhook URL that may not be used; `reason` is a sentence for the 422 or the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A vetted destination: connect to one of `addresses`, saying `host` in the `Host` header
    and, for https, in SNI and the certificate check."""

    scheme: str
    host: str  # an IDNA-encoded name or an IP address (IPv6 without brackets), no trailing dot
    port: int
    path: str  # the path and query to request, "/" at least
    addresses: tuple[IPAddress, ...]

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `socket.getaddrinfo` gives for `host`, for a TCP connection."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def check_url_on_save(
    url: str, environment: Environment, resolve: Resolver = system_resolver
) -> str | None:
    """Why `url` may not be saved as a webhook endpoint (a sentence for the 422), or None when
    it may: its host is resolved now and every address it gives is vetted."""
    try:
        resolve_for_delivery(url, environment, resolve)
    except DestinationRefused as refused:
        return refused.reason
    return None


def resolve_for_delivery(
    url: str, environment: Environment, resolve: Resolver = system_resolver
) -> Target:
    """The vetted `Target` to send an attempt to (resolving its host now, again), or
    `DestinationRefused` when the URL may not be used (then the attempt fails with its
    reason)."""
    scheme, host, literal, port, path = _parse(url, environment)
    found = [literal] if literal is not None else _resolved(host, port, resolve)
    addresses: list[IPAddress] = []
    for address in found:
        kind = refusal(address)
        if kind is not None and not (kind == "loopback" and environment == "development"):
            what = str(address) if literal is not None else f"{host} resolves to {address}, which"
            raise DestinationRefused(f"{what} is not a public address ({kind})")
        if normalized(address) not in addresses:
            addresses.append(normalized(address))
    return Target(scheme, host, port, path, tuple(addresses))


def _parse(url: str, environment: Environment) -> tuple[str, str, IPAddress | None, int, str]:
    if len(url) > MAX_URL_LENGTH:
        raise DestinationRefused(f"a webhook URL has at most {MAX_URL_LENGTH} characters")
    if _UNSAFE.search(url):
        raise DestinationRefused("a webhook URL has no spaces, backslashes or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as error:  # an unbalanced or invalid [IPv6] host
        raise DestinationRefused(f"the webhook URL is not a valid URL ({error})") from error
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise DestinationRefused("a webhook URL is http or https")
    if environment == "production" and scheme != "https":
        raise DestinationRefused("a webhook URL is https in production")
    if "@" in parts.netloc:
        raise DestinationRefused("a webhook URL carries no user name or password")
    if parts.fragment or url.endswith("#"):
        raise DestinationRefused("a webhook URL has no fragment (#…)")
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as error:
        raise DestinationRefused("the port of the webhook URL is not a valid one") from error
    host, literal = _host(parts.netloc, parts.hostname or "", environment)
    path = parts.path or "/"
    return scheme, host, literal, port, path + (f"?{parts.query}" if parts.query else "")


def _host(netloc: str, hostname: str, environment: Environment) -> tuple[str, IPAddress | None]:
    """The host's canonical text and, when it is an address, that address."""
    if not hostname:
        raise DestinationRefused("a webhook URL names a host")
    if netloc.startswith("["):
        if "%" in hostname:
            raise DestinationRefused("a webhook URL has no IPv6 zone (%…)")
        try:
            literal: IPAddress = ip_address(hostname)
        except ValueError as error:
            raise DestinationRefused(f"[{hostname}] is not a valid IPv6 address") from error
        return str(literal), literal
    name = hostname[:-1] if hostname.endswith(".") else hostname
    labels = name.split(".")
    if _NUMERIC_IPV4.fullmatch(name):
        try:
            literal = IPv4Address(socket.inet_aton(name))
        except OSError as error:
            raise DestinationRefused(f"{hostname} is not a valid IPv4 address") from error
        return str(literal), literal
    if _NUMERIC_LABEL.fullmatch(labels[-1]):
        raise DestinationRefused(f"{hostname} ends in a number but is no IPv4 address")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise DestinationRefused(f"{hostname} is not a valid host name") from error
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in name.split(".")):
        raise DestinationRefused(f"{hostname} is not a valid host name")
    if environment == "production" and (name == "localhost" or name.endswith(".localhost")):
        raise DestinationRefused(f"{hostname} is not a public host (loopback)")
    return name, None


def _resolved(host: str, port: int, resolve: Resolver) -> list[IPAddress]:
    try:
        found = [ip_address(text) for text in resolve(host, port)]
    except (OSError, UnicodeError) as error:
        raise DestinationRefused(f"{host} does not resolve") from error
    except ValueError as error:  # pragma: no cover - the resolver gave something odd
        raise DestinationRefused(f"{host} resolves to no usable address") from error
    if not found:
        raise DestinationRefused(f"{host} resolves to no address")
    return found
