"""Small factories that put rows straight into the test database, and login helpers."""

import uuid
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.auth.tokens import issue_access_token
from api.config import Settings
from api.users.models import Role, User

PASSWORD = "correct-horse-battery"


@lru_cache
def _password_hash() -> str:
    # Hashing once keeps Argon2's deliberate cost out of every test.
    return hash_password(PASSWORD)


def make_user(
    db: Session,
    role: Role = Role.ADMIN,
    *,
    email: str | None = None,
    clinics: list[Any] | None = None,
    **fields: Any,
) -> User:
    user = User(
        email=(email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.com").lower(),
        password_hash=_password_hash(),
        role=role.value,
        clinics=clinics or [],
        **fields,
    )
    db.add(user)
    db.flush()
    return user


def auth_headers(user: User, settings: Settings) -> dict[str, str]:
    token, _ = issue_access_token(user.id, user.password_hash, settings)
    return {"Authorization": f"Bearer {token}"}
