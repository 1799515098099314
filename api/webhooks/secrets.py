"""Webhook endpoint secrets: made at random, and kept encrypted so that a database dump alone
does not let anyone sign a delivery.

A stored secret reads `v1.<key id>.<base64url(nonce + AES-GCM ciphertext and tag)>`. `v1` is
the format (AES-256-GCM, its key derived from the application's `SECRET_KEY` by HKDF-SHA256
with a fixed label); the key id is a short fingerprint of that derived key, so when
`SECRET_KEY` rotation is added a stored secret names the key that opens it (today a secret
sealed under another key is refused with a clear error). Changing `SECRET_KEY` makes the
stored secrets unreadable: their endpoints then need a secret rotation.

`context` (the endpoint's id, say) is bound to the ciphertext as associated data, so a sealed
secret copied onto another row does not open there.
"""

import base64
import binascii
import secrets
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from api.webhooks.signing import SECRET_PREFIX

# Standard Webhooks asks for 24 to 64 random bytes; 32 is the size of an HMAC-SHA256 key.
SECRET_BYTES: Final = 32
FORMAT: Final = "v1"
_KEY_LABEL: Final = b"meso-clinic webhook endpoint secrets v1"
_KEY_ID_LABEL: Final = b"meso-clinic webhook endpoint secrets v1 key id"
_NONCE_BYTES: Final = 12


class SecretUnreadable(ValueError):
    """A stored secret that cannot be opened: damaged, tampered with, of an unknown format, or
    sealed under another `SECRET_KEY` (or for another `context`)."""


def new_secret() -> str:
    """A fresh endpoint secret, `whsec_` + base64 of `SECRET_BYTES` random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _derive(app_key: str, label: bytes, length: int) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=label)
    return hkdf.derive(app_key.encode())


def _key_id(app_key: str) -> str:
    return _derive(app_key, _KEY_ID_LABEL, 6).hex()


def seal_secret(secret: str, app_key: str, *, context: str = "") -> str:
    """`secret` encrypted under a key derived from `app_key` (the settings' `signing_key`), as
    text to store."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    box = AESGCM(_derive(app_key, _KEY_LABEL, 32))
    sealed = nonce + box.encrypt(nonce, secret.encode(), context.encode())
    payload = base64.urlsafe_b64encode(sealed).decode("ascii")
    return f"{FORMAT}.{_key_id(app_key)}.{payload}"


def open_secret(stored: str, app_key: str, *, context: str = "") -> str:
    """The secret `seal_secret` stored, given the same `app_key` and `context`; raises
    `SecretUnreadable` otherwise, or when the stored text was changed."""
    parts = stored.split(".")
    if len(parts) != 3 or parts[0] != FORMAT:
        raise SecretUnreadable(f"a stored webhook secret starts with {FORMAT!r}")
    _, key_id, payload = parts
    if key_id != _key_id(app_key):
        raise SecretUnreadable("the webhook secret was sealed under another SECRET_KEY")
    try:
        sealed = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError) as error:
        raise SecretUnreadable("a stored webhook secret is damaged") from error
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    box = AESGCM(_derive(app_key, _KEY_LABEL, 32))
    try:
        return box.decrypt(nonce, ciphertext, context.encode()).decode()
    except (InvalidTag, ValueError) as error:
        raise SecretUnreadable("a stored webhook secret is damaged or was tampered with") from error
