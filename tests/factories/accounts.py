"""Accounts: users of each role, and the headers that log them in."""

from collections.abc import Sequence
from functools import lru_cache
from uuid import UUID

from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.auth.tokens import issue_access_token
from api.clinics.models import Clinic
from api.config import Settings
from api.users.models import User
from api.vocabulary import Role
from tests.factories.sequence import sequence

PASSWORD = "correct-horse-battery"


@lru_cache
def _password_hash() -> str:
    # Hashing once keeps Argon2's deliberate cost out of every test.
    return hash_password(PASSWORD)


def make_user(
    db: Session,
    *,
    role: Role = Role.ADMIN,
    email: str | None = None,
    clinics: Sequence[Clinic] = (),
    practitioner_id: UUID | None = None,
    patient_id: UUID | None = None,
    active: bool = True,
) -> User:
    """A user whose password is `PASSWORD`; the email is unique unless given."""
    user = User(
        email=(email or f"{role.value}-{sequence()}@example.com").lower(),
        password_hash=_password_hash(),
        role=role.value,
        clinics=list(clinics),
        practitioner_id=practitioner_id,
        patient_id=patient_id,
        active=active,
    )
    db.add(user)
    db.flush()
    return user


def auth_headers(user: User, settings: Settings) -> dict[str, str]:
    token, _ = issue_access_token(user.id, user.password_hash, settings)
    return {"Authorization": f"Bearer {token}"}
