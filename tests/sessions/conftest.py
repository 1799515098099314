"""A treatment plan with one completed session, put straight into the database."""

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.config import Settings
from api.patients.models import Patient
from api.plans.models import PlanArea, TreatmentPlan
from api.practitioners.models import Practitioner
from api.sessions.models import TreatmentSession
from tests.factories_plans import (
    CELLULITE_DRAINING,
    World,
    formulation_id,
    make_session,
    make_world,
)

NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 17:00 in Paris, 01:00 on 3 March in Tokyo
# 10:00 in Paris on Friday 27 February 2026.
SESSION_START = datetime(2026, 2, 27, 9, 0, tzinfo=UTC)


def make_plan(
    db: Session,
    patient: Patient,
    practitioner: Practitioner,
    clinic: Clinic,
    *,
    status: str = "active",
) -> TreatmentPlan:
    plan = TreatmentPlan(
        patient_id=patient.id,
        practitioner_id=practitioner.id,
        clinic_id=clinic.id,
        indication="cellulite",
        formulation_id=formulation_id(db, CELLULITE_DRAINING),
        cadence="weekly",
        sessions_planned=6,
        status=status,
        consented_at=NOW if status != "proposed" else None,
        currency=clinic.currency,
        session_price=Decimal("300.00"),
        total=Decimal("1800.00"),
        areas=[PlanArea(area_code="thighs", position=0, price=Decimal("300"), rate=Decimal("1"))],
    )
    db.add(plan)
    db.flush()
    return plan


def completed_session(
    db: Session, plan: TreatmentPlan, starts_at: datetime = SESSION_START
) -> TreatmentSession:
    session = make_session(db, plan, starts_at, status="completed")
    session.checked_in_at = starts_at
    session.completed_at = starts_at + (session.ends_at - session.starts_at)
    session.areas_treated = ["thighs"]
    db.flush()
    return session


@dataclass
class FollowUpWorld:
    """The plans `World` plus an active plan of its patient with one completed session."""

    world: World
    plan: TreatmentPlan
    session: TreatmentSession

    @property
    def url(self) -> str:
        return f"/api/v1/sessions/{self.session.id}/follow-ups"


@pytest.fixture
def fw(db: Session, settings: Settings) -> FollowUpWorld:
    clock.freeze(NOW)
    world = make_world(db, settings)
    plan = make_plan(db, world.patient, world.practitioner, world.clinic)
    return FollowUpWorld(world=world, plan=plan, session=completed_session(db, plan))
