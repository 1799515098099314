import pytest
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from tests.plans.helpers import NOW, World, make_world


@pytest.fixture
def world(db: Session, settings: Settings) -> World:
    clock.freeze(NOW)
    return make_world(db, settings)
