"""Treatment plans and their sessions."""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import Formulation
from api.clinics.models import Clinic
from api.patients.models import Patient
from api.plans.models import PlanArea, TreatmentPlan
from api.practitioners.models import Practitioner
from api.sessions.models import FollowUp, TreatmentSession
from tests.constants import CELLULITE_LIDOCAINE_ID


def formulation_id(db: Session, name: str) -> uuid.UUID:
    """The id of the catalogue's formulation called `name` (loaded by migration 0003)."""
    found = db.scalar(select(Formulation.id).where(Formulation.name == name))
    assert found is not None, name
    return found


def make_plan(
    db: Session,
    patient: Patient,
    practitioner: Practitioner,
    clinic: Clinic,
    *,
    indication: str = "cellulite",
    formulation_id: uuid.UUID = CELLULITE_LIDOCAINE_ID,
    cadence: str = "weekly",
    sessions_planned: int = 10,
    status: str = "active",
    consented_at: datetime | None = None,
    currency: str | None = None,
    session_price: str = "375.00",
    total: str | None = None,
    areas: Sequence[str] = ("thighs", "buttocks"),
    area_price: str = "300.00",
) -> TreatmentPlan:
    """A plan of `patient` with `practitioner` at `clinic`, in the clinic's currency unless
    told; `total` is `sessions_planned` × `session_price` unless given, each area is priced
    `area_price` at the full rate."""
    plan = TreatmentPlan(
        patient_id=patient.id,
        practitioner_id=practitioner.id,
        clinic_id=clinic.id,
        indication=indication,
        formulation_id=formulation_id,
        cadence=cadence,
        sessions_planned=sessions_planned,
        status=status,
        consented_at=consented_at,
        currency=clinic.currency if currency is None else currency,
        session_price=Decimal(session_price),
        total=Decimal(session_price) * sessions_planned if total is None else Decimal(total),
        areas=[
            PlanArea(area_code=code, position=i, price=Decimal(area_price), rate=Decimal("1"))
            for i, code in enumerate(areas)
        ],
    )
    db.add(plan)
    db.flush()
    return plan


def make_session(
    db: Session,
    plan: TreatmentPlan,
    *,
    starts_at: datetime = datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    status: str = "booked",
    practitioner_id: uuid.UUID | None = None,
    checked_in_at: datetime | None = None,
    completed_at: datetime | None = None,
    areas_treated: Sequence[str] = (),
) -> TreatmentSession:
    """A 45-minute session of `plan` at its clinic, keeping the clinic's buffer after it, with
    the plan's practitioner unless `practitioner_id` is given."""
    clinic = db.get_one(Clinic, plan.clinic_id)
    session = TreatmentSession.for_plan(
        plan,
        plan.practitioner_id if practitioner_id is None else practitioner_id,
        starts_at,
        clinic.buffer_minutes,
        status=status,
        checked_in_at=checked_in_at,
        completed_at=completed_at,
        areas_treated=list(areas_treated),
    )
    db.add(session)
    db.flush()
    return session


def make_follow_up(
    db: Session,
    session: TreatmentSession,
    *,
    reported_on: date = date(2026, 3, 1),
    bruising: str = "mild",
    soreness: int = 2,
    days_lasted: int = 1,
    adverse_event: bool = False,
    notes: str = "",
) -> FollowUp:
    """A follow-up of `session`, as its patient or practitioner would report it."""
    follow_up = FollowUp(
        session_id=session.id,
        reported_on=reported_on,
        bruising=bruising,
        soreness=soreness,
        days_lasted=days_lasted,
        adverse_event=adverse_event,
        notes=notes,
    )
    db.add(follow_up)
    db.flush()
    return follow_up
