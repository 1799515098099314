from datetime import datetime

import pytest
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.vocabulary import Role
from tests.constants import TEST_SECRET
from tests.factories import auth_headers, make_user
from tests.scheduling.helpers import NOW, Setup, make_setup


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Tokens that outlive the moves of the frozen clock in these tests (30 days)."""
    return Settings(database_url=database_url, secret_key=TEST_SECRET, access_token_minutes=43200)


@pytest.fixture
def now() -> datetime:
    """The clock frozen at NOW (tests/conftest.py releases it after each test)."""
    clock.freeze(NOW)
    return NOW


@pytest.fixture
def setup(db: Session, now: datetime) -> Setup:
    return make_setup(db)


@pytest.fixture
def staff(db: Session, setup: Setup, settings: Settings) -> dict[str, str]:
    """A receptionist of the setup's clinic."""
    return auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[setup.clinic]), settings)


@pytest.fixture
def doctor(db: Session, setup: Setup, settings: Settings) -> dict[str, str]:
    user = make_user(
        db, role=Role.PRACTITIONER, clinics=[setup.clinic], practitioner_id=setup.practitioner.id
    )
    return auth_headers(user, settings)
