"""JWT access tokens (HS256) naming the user by id and the password they were issued under.

A token carries a digest of the user's password hash (`pwd`); the user is loaded on every
request and a token whose digest is not that of the current hash is refused. So changing or
resetting a password cuts every token issued before, at once and in every process, with no
list of revoked tokens to keep (the hash is salted afresh each time).
"""

import hashlib
import hmac
import uuid
from datetime import timedelta
from functools import lru_cache

import jwt

from api.common import clock
from api.config import Settings
from api.errors import NotAuthenticated

ALGORITHM = "HS256"


def password_digest(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:32]


def issue_access_token(
    user_id: uuid.UUID, password_hash: str, settings: Settings
) -> tuple[str, int]:
    """A signed token for `user_id` under its current password, and its lifetime in seconds."""
    lifetime = timedelta(minutes=settings.access_token_minutes)
    issued = clock.now()
    claims = {
        "sub": str(user_id),
        "pwd": password_digest(password_hash),
        "iat": issued,
        "exp": issued + lifetime,
        "typ": "access",
    }
    return jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM), int(
        lifetime.total_seconds()
    )


def read_access_token(token: str, settings: Settings) -> tuple[uuid.UUID, str]:
    """The user a valid, unexpired access token names and the digest of the password it was
    issued under (401 otherwise)."""
    user_id, digest, expires = _verified(token, settings.signing_key)
    # Expiry is checked against the application clock, which tests can move, on every use.
    if expires <= int(clock.now().timestamp()):
        raise NotAuthenticated("The token has expired.")
    return user_id, digest


def issued_under(digest: str, password_hash: str) -> bool:
    """Whether a token's password digest is that of `password_hash` (constant time)."""
    return hmac.compare_digest(digest, password_digest(password_hash))


# A client sends the same token with every request: its signature and claims are checked once
# (about 0.15 ms) and remembered; only a valid token is remembered (errors are not cached).
@lru_cache(maxsize=4096)
def _verified(token: str, signing_key: str) -> tuple[uuid.UUID, str, int]:
    try:
        claims = jwt.decode(
            token,
            signing_key,
            algorithms=[ALGORITHM],
            # Time claims are checked against the application clock, in read_access_token.
            options={
                "require": ["sub", "pwd", "exp"],
                "verify_exp": False,
                "verify_iat": False,
            },
        )
        if claims.get("typ") != "access":
            raise NotAuthenticated()
        return uuid.UUID(str(claims["sub"])), str(claims["pwd"]), int(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise NotAuthenticated() from exc
