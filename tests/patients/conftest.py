import pytest
from sqlalchemy.orm import Session

from api.config import Settings
from tests.patients.helpers import World, make_world


@pytest.fixture
def world(db: Session, settings: Settings) -> World:
    w = make_world(db, settings)
    db.commit()
    return w
