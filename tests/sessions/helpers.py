"""The follow-up tests' world: the plans `World` plus an active plan of its patient with one
completed session."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from api.config import Settings
from api.plans.models import TreatmentPlan
from api.sessions.models import SESSION_LENGTH, TreatmentSession
from tests.constants import CELLULITE_DRAINING
from tests.factories import formulation_id, make_plan, make_session
from tests.plans.helpers import World, make_world

NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 17:00 in Paris, 01:00 on 3 March in Tokyo
# 10:00 in Paris on Friday 27 February 2026.
SESSION_START = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)


def completed_session(
    db: Session, plan: TreatmentPlan, starts_at: datetime = SESSION_START
) -> TreatmentSession:
    """A session of `plan` at `starts_at`, checked in then and completed on the thighs."""
    return make_session(
        db,
        plan,
        starts_at=starts_at,
        status="completed",
        checked_in_at=starts_at,
        completed_at=starts_at + SESSION_LENGTH,
        areas_treated=["thighs"],
    )


@dataclass
class FollowUpWorld:
    """The plans `World` plus an active plan of its patient with one completed session."""

    world: World
    plan: TreatmentPlan
    session: TreatmentSession

    @property
    def url(self) -> str:
        return f"/api/v1/sessions/{self.session.id}/follow-ups"


def make_follow_up_world(db: Session, settings: Settings) -> FollowUpWorld:
    world = make_world(db, settings)
    plan = make_plan(
        db,
        world.patient,
        world.practitioner,
        world.clinic,
        formulation_id=formulation_id(db, CELLULITE_DRAINING),
        sessions_planned=6,
        consented_at=NOW,
        session_price="300.00",
        areas=["thighs"],
    )
    return FollowUpWorld(world=world, plan=plan, session=completed_session(db, plan))
