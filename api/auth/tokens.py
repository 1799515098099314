"""JWT access tokens (HS256) naming the user by id."""

import uuid
from datetime import timedelta
from functools import lru_cache

import jwt

from api.common import clock
from api.config import Settings
from api.errors import NotAuthenticated

ALGORITHM = "HS256"


def issue_access_token(user_id: uuid.UUID, settings: Settings) -> tuple[str, int]:
    """A signed token for `user_id` and its lifetime in seconds."""
    lifetime = timedelta(minutes=settings.access_token_minutes)
    issued = clock.now()
    claims = {"sub": str(user_id), "iat": issued, "exp": issued + lifetime, "typ": "access"}
    return jwt.encode(claims, settings.signing_key, algorithm=ALGORITHM), int(
        lifetime.total_seconds()
    )


def read_access_token(token: str, settings: Settings) -> uuid.UUID:
    """The user a valid, unexpired access token names (401 otherwise)."""
    user_id, expires = _verified(token, settings.signing_key)
    # Expiry is checked against the application clock, which tests can move, on every use.
    if expires <= int(clock.now().timestamp()):
        raise NotAuthenticated("The token has expired.")
    return user_id


# A client sends the same token with every request: its signature and claims are checked once
# (about 0.15 ms) and remembered; only a valid token is remembered (errors are not cached).
@lru_cache(maxsize=4096)
def _verified(token: str, signing_key: str) -> tuple[uuid.UUID, int]:
    try:
        claims = jwt.decode(
            token,
            signing_key,
            algorithms=[ALGORITHM],
            # Time claims are checked against the application clock, in read_access_token.
            options={"require": ["sub", "exp"], "verify_exp": False, "verify_iat": False},
        )
        if claims.get("typ") != "access":
            raise NotAuthenticated()
        return uuid.UUID(str(claims["sub"])), int(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise NotAuthenticated() from exc
