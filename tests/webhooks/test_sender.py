"""One attempt against a real receiver on loopback: success, failures, timeouts, redirects,
bounded reads and the pinned address (with TLS checked against the host name)."""

import asyncio
import json
import socket
from datetime import UTC, datetime
from ipaddress import IPv4Address, ip_address
from typing import Any

import pytest
from standardwebhooks.webhooks import Webhook

from api.webhooks.destinations import Target, resolve_for_delivery
from api.webhooks.secrets import new_secret
from api.webhooks.sender import Outcome, send
from api.webhooks.signing import webhook_headers
from tests.webhooks.receiver import HUGE_BYTES, receiver

pytestmark = pytest.mark.slow

BODY = json.dumps({"id": "evt_1", "type": "session.booked"}).encode()
LOOPBACK = (IPv4Address("127.0.0.1"),)


def headers(*secrets: str) -> dict[str, str]:
    return webhook_headers(BODY, "evt_1", datetime.now(UTC), list(secrets or [new_secret()]))


def send_blocking(target: Target, body: bytes, sent: dict[str, str], **options: Any) -> Outcome:
    return asyncio.run(send(target, body, sent, **options))


def test_a_2xx_answer_succeeds_and_the_receiver_can_verify_it() -> None:
    secret = new_secret()
    with receiver() as inbox:
        target = resolve_for_delivery(f"http://localhost:{inbox.port}/ok?x=1", "development")
        outcome = send_blocking(target, BODY, headers(secret))
    assert outcome.succeeded
    assert (outcome.status_code, outcome.error, outcome.body) == (200, None, b"thanks")
    assert 0 < outcome.elapsed < 5
    [got] = inbox.received
    assert (got.path, got.body) == ("/ok?x=1", BODY)
    assert got.headers["host"] == f"localhost:{inbox.port}"
    assert got.headers["content-type"] == "application/json"
    Webhook(secret).verify(got.body, got.headers)


def test_a_500_answer_fails_with_its_status() -> None:
    with receiver() as inbox:
        target = Target("http", "127.0.0.1", inbox.port, "/fail", LOOPBACK)
        outcome = send_blocking(target, BODY, headers())
    assert not outcome.succeeded
    assert outcome.status_code == 500
    assert outcome.error == "the receiver answered 500"
    assert outcome.body == b"broken"


def test_an_answer_slower_than_the_timeout_fails() -> None:
    with receiver() as inbox:
        target = Target("http", "127.0.0.1", inbox.port, "/slow", LOOPBACK)
        outcome = send_blocking(target, BODY, headers(), timeout=0.5)
    assert (outcome.status_code, outcome.error) == (None, "no answer within 0.5 s")
    assert 0.5 <= outcome.elapsed < 2


def test_a_refused_connection_fails() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]
    target = Target("http", "127.0.0.1", closed_port, "/ok", LOOPBACK)
    outcome = send_blocking(target, BODY, headers())
    assert outcome.status_code is None
    assert outcome.error is not None
    assert outcome.error.startswith("could not connect (127.0.0.1: ")


def test_a_redirect_is_not_followed() -> None:
    with receiver() as inbox:
        target = Target("http", "127.0.0.1", inbox.port, "/redirect", LOOPBACK)
        outcome = send_blocking(target, BODY, headers())
    assert outcome.status_code == 302
    assert outcome.error == "the receiver answered 302, a redirect, which is not followed"
    assert [got.path for got in inbox.received] == ["/redirect"]


def test_a_huge_answer_is_read_bounded() -> None:
    with receiver() as inbox:
        target = Target("http", "127.0.0.1", inbox.port, "/huge", LOOPBACK)
        outcome = send_blocking(target, BODY, headers(), max_response_bytes=1000)
        default = send_blocking(target, BODY, headers())
    assert outcome.succeeded
    assert outcome.body == b"x" * 1000
    assert len(default.body) == 64 * 1024 < HUGE_BYTES


def test_a_body_trickling_past_the_timeout_is_cut_and_the_status_counts() -> None:
    with receiver() as inbox:
        target = Target("http", "127.0.0.1", inbox.port, "/trickle", LOOPBACK)
        outcome = send_blocking(target, BODY, headers(), timeout=0.5)
    assert outcome.succeeded
    assert 0 < len(outcome.body) < 1000
    assert outcome.elapsed < 2


def test_the_connection_goes_to_the_vetted_address_not_to_a_look_up() -> None:
    # No resolver knows hooks.invalid: the request reaches the receiver through the address.
    with receiver() as inbox:
        target = Target("http", "hooks.invalid", inbox.port, "/ok", LOOPBACK)
        outcome = send_blocking(target, BODY, headers())
    assert outcome.succeeded
    assert inbox.received[0].headers["host"] == f"hooks.invalid:{inbox.port}"


def test_the_next_vetted_address_is_tried_when_one_refuses() -> None:
    # The receiver listens on 127.0.0.1 only, so 127.0.0.2 refuses the connection.
    with receiver() as inbox:
        addresses = (ip_address("127.0.0.2"), ip_address("127.0.0.1"))
        target = Target("http", "localhost", inbox.port, "/ok", addresses)
        outcome = send_blocking(target, BODY, headers())
    assert outcome.succeeded
    assert len(inbox.received) == 1


def test_https_to_the_vetted_address_checks_the_certificate_of_the_host_name() -> None:
    with receiver(tls=True) as inbox:
        assert inbox.client_context is not None
        good = Target("https", "localhost", inbox.port, "/ok", LOOPBACK)
        outcome = send_blocking(good, BODY, headers(), verify=inbox.client_context)
        wrong = Target("https", "hooks.invalid", inbox.port, "/ok", LOOPBACK)
        refused = send_blocking(wrong, BODY, headers(), verify=inbox.client_context)
        untrusted = send_blocking(good, BODY, headers())
    assert outcome.succeeded, outcome.error
    assert inbox.received[0].headers["host"] == f"localhost:{inbox.port}"
    assert inbox.server_names[:2] == ["localhost", "hooks.invalid"]
    assert refused.error is not None
    assert "certificate" in refused.error.lower()
    assert untrusted.error is not None
    assert "certificate" in untrusted.error.lower()
    assert len(inbox.received) == 1
