from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.users.models import Role
from tests.conftest import TEST_SECRET
from tests.factories import auth_headers, make_user
from tests.factories_sessions import Setup, make_setup

# A Monday morning; the tests book in the days after it.
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
MONDAY = date(2026, 3, 2)
TUESDAY = date(2026, 3, 3)


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    """Tokens that outlive the moves of the frozen clock in these tests (30 days)."""
    return Settings(database_url=database_url, secret_key=TEST_SECRET, access_token_minutes=43200)


@pytest.fixture
def now() -> Iterator[datetime]:
    clock.freeze(NOW)
    yield NOW


@pytest.fixture
def setup(db: Session, now: datetime) -> Setup:
    return make_setup(db)


@pytest.fixture
def staff(db: Session, setup: Setup, settings: Settings) -> dict[str, str]:
    """A receptionist of the setup's clinic."""
    return auth_headers(make_user(db, Role.RECEPTIONIST, clinics=[setup.clinic]), settings)


@pytest.fixture
def doctor(db: Session, setup: Setup, settings: Settings) -> dict[str, str]:
    user = make_user(
        db, Role.PRACTITIONER, clinics=[setup.clinic], practitioner_id=setup.practitioner.id
    )
    return auth_headers(user, settings)
