"""Endpoint secrets are stored sealed under a key derived from SECRET_KEY."""

import base64

import pytest

from api.webhooks.secrets import SecretUnreadable, new_secret, open_secret, seal_secret

APP_KEY = "k" * 64
OTHER_KEY = "o" * 64


def test_a_sealed_secret_opens_with_the_same_key_and_context() -> None:
    secret = new_secret()
    stored = seal_secret(secret, APP_KEY, context="endpoint-1")
    assert secret not in stored
    assert secret.removeprefix("whsec_") not in stored
    assert stored.startswith("v1.")
    assert open_secret(stored, APP_KEY, context="endpoint-1") == secret


def test_sealing_twice_gives_two_texts() -> None:
    secret = new_secret()
    assert seal_secret(secret, APP_KEY) != seal_secret(secret, APP_KEY)


def test_another_key_is_refused_by_its_key_id() -> None:
    stored = seal_secret(new_secret(), APP_KEY)
    with pytest.raises(SecretUnreadable, match="another SECRET_KEY"):
        open_secret(stored, OTHER_KEY)


def test_another_context_is_refused() -> None:
    stored = seal_secret(new_secret(), APP_KEY, context="endpoint-1")
    with pytest.raises(SecretUnreadable, match="tampered"):
        open_secret(stored, APP_KEY, context="endpoint-2")


def test_a_tampered_or_damaged_text_is_refused() -> None:
    stored = seal_secret(new_secret(), APP_KEY)
    version, key_id, payload = stored.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload))
    raw[-1] ^= 1
    flipped = f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    damaged = [
        flipped,
        f"{version}.{key_id}.{payload[:-8]}",
        f"{version}.{key_id}.",
        f"{version}.{key_id}.!!!",
        f"v2.{key_id}.{payload}",
        f"{key_id}.{payload}",
        "",
    ]
    for text in damaged:
        with pytest.raises(SecretUnreadable):
            open_secret(text, APP_KEY)
