"""Standard Webhooks signatures (DESIGN section 9): the headers that go with one delivery.

`webhook-signature` is `v1,` + base64(HMAC-SHA256(key, f"{id}.{timestamp}.{body}")), the key
being the decoded bytes of the secret (`whsec_` + base64). While a secret is being rotated
both the old and the new one sign, their signatures separated by a space, so a receiver that
knows either accepts the delivery.
"""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from datetime import datetime

SECRET_PREFIX = "whsec_"


class InvalidSecret(ValueError):
    """A secret that is not `whsec_` + base64 of some bytes."""


def secret_key_bytes(secret: str) -> bytes:
    """The HMAC key of `secret`: its base64 part decoded."""
    if not secret.startswith(SECRET_PREFIX):
        raise InvalidSecret(f"a webhook secret starts with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except binascii.Error as error:
        raise InvalidSecret("a webhook secret is base64 after its prefix") from error
    if not key:
        raise InvalidSecret("a webhook secret is not empty")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,…` signature of `body` sent as `message_id` at `timestamp` (Unix seconds)."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_headers(
    body: bytes, message_id: str, sent_at: datetime, secrets: Sequence[str]
) -> dict[str, str]:
    """The headers of one delivery of `body`: `webhook-id` is the event id (`message_id`),
    the same on every attempt so receivers can deduplicate; `webhook-timestamp` is the attempt's
    time (`sent_at`, aware); one signature per live secret (one, or two during a rotation)."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    if not secrets:
        raise ValueError("a delivery is signed with at least one secret")
    timestamp = int(sent_at.timestamp())
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(
            signature(secret, message_id, timestamp, body) for secret in secrets
        ),
    }
