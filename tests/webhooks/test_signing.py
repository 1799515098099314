"""Our Standard Webhooks headers, checked against the reference implementation."""

import base64
import json
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from api.webhooks.secrets import new_secret
from api.webhooks.signing import InvalidSecret, signature, webhook_headers

BODY = json.dumps({"id": "evt_1", "type": "session.booked", "data": {"é": 1}}).encode()


def test_each_of_two_live_secrets_verifies_the_headers() -> None:
    old, new = new_secret(), new_secret()
    headers = webhook_headers(BODY, "evt_1", datetime.now(UTC), [old, new])
    assert headers["webhook-signature"].count(" ") == 1
    for secret in (old, new):
        assert Webhook(secret).verify(BODY.decode(), headers) == json.loads(BODY)


def test_a_tampered_body_or_another_secret_is_rejected() -> None:
    secret = new_secret()
    headers = webhook_headers(BODY, "evt_1", datetime.now(UTC), [secret])
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.decode().replace("booked", "cancelled"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY.decode(), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.decode(), {**headers, "webhook-id": "evt_2"})


def test_the_headers_name_the_event_and_the_unix_second() -> None:
    sent_at = datetime(2026, 12, 2, 21, 30, 5, 900_000, tzinfo=UTC)
    secret = new_secret()
    headers = webhook_headers(BODY, "evt_1", sent_at, [secret])
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"] == "evt_1"
    assert headers["webhook-timestamp"] == str(int(sent_at.timestamp()))
    assert headers["webhook-signature"] == Webhook(secret).sign("evt_1", sent_at, BODY.decode())
    unix = int(sent_at.timestamp())
    assert headers["webhook-signature"] == signature(secret, "evt_1", unix, BODY)


def test_the_reference_vector_of_the_specification() -> None:
    # The example of the Standard Webhooks specification and its libraries' tests.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert (
        signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_bad_secrets_and_naive_times_are_refused() -> None:
    now = datetime.now(UTC)
    for bad in ("MfKQ9r8GKYqrTwjU", "whsec_", "whsec_not base64!"):
        with pytest.raises(InvalidSecret):
            webhook_headers(BODY, "evt_1", now, [bad])
    with pytest.raises(ValueError, match="aware"):
        webhook_headers(BODY, "evt_1", now.replace(tzinfo=None), [new_secret()])
    with pytest.raises(ValueError, match="at least one"):
        webhook_headers(BODY, "evt_1", now, [])


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret
