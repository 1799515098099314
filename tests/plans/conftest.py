from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from tests.factories_plans import World, make_world

NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 17:00 in Paris, 01:00 on 3 March in Tokyo


@pytest.fixture
def world(db: Session, settings: Settings) -> World:
    clock.freeze(NOW)
    return make_world(db, settings)
