import pytest
from sqlalchemy.orm import Session

from api.config import Settings
from api.users.models import Role
from tests.factories import auth_headers, make_user


@pytest.fixture
def as_admin(db: Session, settings: Settings) -> dict[str, str]:
    return auth_headers(make_user(db, Role.ADMIN), settings)


@pytest.fixture
def as_receptionist(db: Session, settings: Settings) -> dict[str, str]:
    return auth_headers(make_user(db, Role.RECEPTIONIST), settings)
