import pytest
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from tests.sessions.helpers import NOW, FollowUpWorld, make_follow_up_world


@pytest.fixture
def follow_up_world(db: Session, settings: Settings) -> FollowUpWorld:
    clock.freeze(NOW)
    return make_follow_up_world(db, settings)
