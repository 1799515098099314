"""JWT access tokens (HS256) naming the user by id."""

import uuid
from datetime import timedelta

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
    try:
        claims = jwt.decode(
            token,
            settings.signing_key,
            algorithms=[ALGORITHM],
            # Time claims are checked against the application clock below, which tests move.
            options={"require": ["sub", "exp"], "verify_exp": False, "verify_iat": False},
        )
        if claims.get("typ") != "access":
            raise NotAuthenticated()
        # Expiry is checked against the application clock, which tests can move.
        if int(claims["exp"]) <= int(clock.now().timestamp()):
            raise NotAuthenticated("The token has expired.")
        return uuid.UUID(str(claims["sub"]))
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise NotAuthenticated() from exc
