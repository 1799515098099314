"""Where webhooks may go: each refused kind of address, in each of its written forms."""

from collections.abc import Callable
from ipaddress import ip_address

import pytest

from api.webhooks.destinations import (
    DestinationRefused,
    Target,
    check_url_on_save,
    resolve_for_delivery,
)

PUBLIC_V4 = "93.184.215.14"
PUBLIC_V6 = "2606:2800:21f:cb07:6820:80da:af6b:8b2c"


def resolving(*answers: str) -> Callable[[str, int], list[str]]:
    """A resolver answering `answers` for every name (no DNS in tests)."""
    return lambda host, port: list(answers)


def refused(url: str, environment: str = "production", *answers: str) -> str:
    resolve = resolving(*answers) if answers else resolving(PUBLIC_V4)
    reason = check_url_on_save(url, environment, resolve)  # type: ignore[arg-type]
    assert reason is not None, f"{url} was accepted"
    return reason


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("2130706433", "loopback"),  # decimal
        ("0x7f.1", "loopback"),  # hexadecimal, short form
        ("0x7f000001", "loopback"),
        ("017700000001", "loopback"),  # octal
        ("0177.0.0.1", "loopback"),
        ("127.1", "loopback"),
        ("127.0.0.1.", "loopback"),  # trailing dot
        ("[::1]", "loopback"),
        ("[0:0:0:0:0:0:0:1]", "loopback"),
        ("[::ffff:127.0.0.1]", "loopback"),  # IPv4-mapped
        ("[::ffff:7f00:1]", "loopback"),
        ("[2002:7f00:1::1]", "loopback"),  # 6to4 around 127.0.0.1
        ("[64:ff9b::7f00:1]", "loopback"),  # NAT64 around 127.0.0.1
        ("0.0.0.0", "unspecified"),
        ("0", "unspecified"),
        ("[::]", "unspecified"),
        ("10.0.0.1", "private"),
        ("167772161", "private"),  # 10.0.0.1, decimal
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("0xc0.0xa8.1.1", "private"),
        ("[::ffff:10.0.0.1]", "private"),
        ("[::ffff:192.168.1.1]", "private"),
        ("[fc00::1]", "private"),
        ("[fd12:3456::1]", "private"),
        ("100.64.0.1", "shared"),
        ("100.127.255.254", "shared"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("[::ffff:169.254.169.254]", "link-local"),
        ("[fe80::1]", "link-local"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("[ff02::1]", "multicast"),
        ("[ff0e::1]", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("[::7f00:1]", "reserved"),  # IPv4-compatible
        ("192.0.0.8", "reserved"),
        ("192.0.2.1", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.9", "documentation"),
        ("[2001:db8::1]", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("[fec0::1]", "site-local"),
        ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "documentation"),  # Teredo around 192.0.2.45
    ],
)
def test_a_non_public_address_is_refused_in_every_form(host: str, kind: str) -> None:
    assert kind in refused(f"https://{host}/hooks")
    assert kind in refused(f"https://{host}:8443/hooks")


@pytest.mark.parametrize("answer", ["127.0.0.1", "10.1.2.3", "::1", "fe80::1%2", "::ffff:10.0.0.1"])
def test_a_name_resolving_to_a_non_public_address_is_refused(answer: str) -> None:
    reason = refused("https://hooks.example.com/in", "production", answer)
    assert reason.startswith("hooks.example.com resolves to")


def test_a_name_with_one_non_public_address_among_public_ones_is_refused() -> None:
    assert "private" in refused("https://hooks.example.com/", "production", PUBLIC_V4, "10.0.0.7")


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/",
        "https://localhost./",
        "https://LocalHost:9000/",
        "https://a.localhost/",
    ],
)
def test_localhost_names_are_refused_in_production(url: str) -> None:
    assert "loopback" in refused(url, "production", PUBLIC_V4)


def test_localhost_really_resolves_to_loopback_and_is_refused() -> None:
    reason = check_url_on_save("https://localhost/", "development")
    assert reason is None
    with pytest.raises(DestinationRefused, match="loopback"):
        resolve_for_delivery("https://localhost/", "production")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://hooks.example.com/", "https in production"),
        ("ftp://hooks.example.com/", "http or https"),
        ("file:///etc/passwd", "http or https"),
        ("hooks.example.com/in", "http or https"),
        ("javascript:alert(1)", "http or https"),
        ("https://good@127.0.0.1/", "user name or password"),
        ("https://good:pw@hooks.example.com/", "user name or password"),
        ("https://127.0.0.1\\@hooks.example.com/", "backslashes"),
        ("https://hooks.example.com /", "spaces"),
        ("https://hooks.example.com/\nx", "control characters"),
        ("https://hooks.example.com/#frag", "fragment"),
        ("https:///path", "names a host"),
        ("https://hooks.example.com:99999/", "port"),
        ("https://hooks.example.com:x/", "port"),
        ("https://1.2.3.256/", "not a valid IPv4"),
        ("https://09.1.1.1/", "not a valid IPv4"),
        ("https://example.123/", "ends in a number"),
        ("https://[fe80::1%25eth0]/", "zone"),
        ("https://[1.2.3.4]/", "not a valid URL"),
        ("https://[::1/", "not a valid URL"),
        ("https://bad_-.exa mple/", "spaces"),
        ("https://-bad.example.com/", "not a valid host name"),
        ("https://" + "a" * 64 + ".example.com/", "not a valid host name"),
        ("https://" + "a." * 2048 + "com/", "at most 2048"),
    ],
)
def test_malformed_or_tricky_urls_are_refused(url: str, says: str) -> None:
    assert says in refused(url)


def test_a_name_that_does_not_resolve_is_refused() -> None:
    def failing(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    reason = check_url_on_save("https://nowhere.example.com/", "production", failing)
    assert reason == "nowhere.example.com does not resolve"
    empty = check_url_on_save("https://hooks.example.com/", "production", resolving())
    assert empty == "hooks.example.com resolves to no address"


def test_public_destinations_are_accepted_and_vetted_for_delivery() -> None:
    resolve = resolving(PUBLIC_V4, PUBLIC_V6, PUBLIC_V4, f"::ffff:{PUBLIC_V4}")
    url = "https://Hooks.Example.com./in/x?clinic=1"
    assert check_url_on_save(url, "production", resolve) is None
    target = resolve_for_delivery(url, "production", resolve)
    assert target == Target(
        "https",
        "hooks.example.com",
        443,
        "/in/x?clinic=1",
        (ip_address(PUBLIC_V4), ip_address(PUBLIC_V6)),
    )
    assert target.host_header == "hooks.example.com"
    literal = resolve_for_delivery(f"https://[{PUBLIC_V6}]:8443", "production")
    assert literal.addresses == (ip_address(PUBLIC_V6),)
    assert literal.host_header == f"[{PUBLIC_V6}]:8443"
    assert literal.path == "/"
    assert resolve_for_delivery("https://[64:ff9b::808:808]/", "production").addresses


def test_an_internationalized_name_is_sent_in_its_ascii_form() -> None:
    target = resolve_for_delivery("https://bücher.example/", "production", resolving(PUBLIC_V4))
    assert target.host == "xn--bcher-kva.example"


def test_a_name_that_rebinds_to_an_inner_address_is_refused_at_delivery() -> None:
    answers = iter([[PUBLIC_V4], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    url = "https://hooks.example.com/in"
    assert check_url_on_save(url, "production", rebinding) is None
    with pytest.raises(DestinationRefused, match=r"resolves to 127\.0\.0\.1.*loopback"):
        resolve_for_delivery(url, "production", rebinding)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8000/hooks",
        "http://127.0.0.1:8000/hooks",
        "http://2130706433:8000/",
        "http://[::1]:8000/",
        "http://[::ffff:127.0.0.1]:8000/",
        "https://localhost/",
    ],
)
def test_development_allows_http_and_loopback(url: str) -> None:
    assert check_url_on_save(url, "development") is None
    target = resolve_for_delivery(url, "development")
    assert all(address.is_loopback for address in target.addresses)


@pytest.mark.parametrize(
    "host", ["10.0.0.1", "192.168.0.10", "169.254.169.254", "[fc00::1]", "0.0.0.0", "224.0.0.1"]
)
def test_development_still_refuses_other_non_public_addresses(host: str) -> None:
    assert refused(f"http://{host}/", "development") is not None


def test_development_still_refuses_what_is_not_http() -> None:
    assert "http or https" in refused("gopher://localhost/", "development")
    assert "user name" in refused("http://me@localhost/", "development")
