"""Demo treatment plans: one in every status, among them an active 12-session weekly course in
the Paris clinic (`ctx.objects["plans"]["paris_weekly"]`, for the sessions demo to schedule
across the end of daylight saving time) and one whose session is in progress (`in_progress`,
for the sessions demo to check in).

Uses the clinics, practitioners and patients that earlier demo steps left in `ctx.objects`;
when they are missing it does nothing. Every plan goes through the real service, so it passes
the safety gates; a candidate that a gate refuses is skipped for the next one.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.catalogue.models import Formulation
from api.clinics.models import Clinic, ClinicPrice
from api.common import clock
from api.common.demo_ids import patient_id, plan_id, practitioner_id, session_id
from api.errors import DomainError
from api.patients.models import Patient
from api.plans import service
from api.plans.models import CADENCE_DAYS, TreatmentPlan
from api.plans.schemas import PlanCreate
from api.practitioners.models import Practitioner, practitioner_clinics
from api.sessions.models import SESSION_LENGTH, TreatmentSession
from api.users.models import User
from api.vocabulary import Role

if TYPE_CHECKING:
    from api.demo import DemoContext

_Record = TypeVar("_Record", Patient, Practitioner)

PREFERRED_AREAS = {
    "cellulite": ["thighs", "buttocks", "legs", "abdomen"],
    "local_fat": ["abdomen", "flanks", "arms", "chin"],
    "skin_rejuvenation": ["face", "neck", "decollete"],
    "face_lifting": ["face", "neck", "chin"],
}


@dataclass(frozen=True)
class _Spec:
    key: str
    clinic: str | None  # a key of ctx.objects["clinics"]; None = any clinic
    indication: str
    areas: int
    cadence: str
    sessions: int
    status: str
    # Demo keys of the patient and the practitioner, when the earlier steps seeded them (the
    # OpenAPI examples, `api/docs_examples.py`, rely on whose plan it is); else anyone fit.
    patient: str | None = None
    practitioner: str | None = None


# The request examples book, schedule, consent to, change and cancel these plans by their
# keys (their ids: `api.common.demo_ids.plan_id(key)`).
SPECS = (
    _Spec("paris_weekly", "paris", "cellulite", 2, "weekly", 12, "active", "claire", "martin"),
    _Spec("proposed", None, "local_fat", 1, "twice_monthly", 8, "proposed", "claire", "martin"),
    _Spec(
        "face_active",
        None,
        "skin_rejuvenation",
        2,
        "twice_monthly",
        6,
        "active",
        "claire",
        "martin",
    ),
    _Spec("completed", None, "cellulite", 1, "weekly", 3, "completed", "claire", "martin"),
    _Spec("cancelled", None, "local_fat", 2, "weekly", 10, "cancelled"),
    _Spec("in_progress", "paris", "local_fat", 1, "weekly", 6, "active", "louis", "lefevre"),
)


def spec_of(key: str) -> _Spec:
    return next(spec for spec in SPECS if spec.key == key)


def demo_areas(key: str) -> list[str]:
    """The areas of the demo plan `key` (every demo clinic prices every area)."""
    spec = spec_of(key)
    return PREFERRED_AREAS[spec.indication][: spec.areas]


def _clinics(ctx: "DemoContext", spec: _Spec) -> list[Clinic]:
    clinics: dict[str, Clinic] = ctx.objects.get("clinics") or {}
    if spec.clinic is not None:
        return [clinics[spec.clinic]] if spec.clinic in clinics else []
    return list(clinics.values())


def _candidates(
    db: Session, ctx: "DemoContext", spec: _Spec
) -> Iterator[tuple[Clinic, Practitioner, Patient, uuid.UUID, list[str]]]:
    practitioners: list[Practitioner] = list(ctx.objects.get("practitioners") or [])
    # The patients step leaves a dict by key; a list is accepted too.
    stored = ctx.objects.get("patients") or []
    patients: list[Patient] = list(stored.values() if isinstance(stored, dict) else stored)
    formulations = db.scalars(
        select(Formulation)
        .options(selectinload(Formulation.indications))
        .order_by(Formulation.name)
    ).all()
    meant = [f.id for f in formulations if spec.indication in {i.indication for i in f.indications}]
    practitioners = _pinned(practitioners, spec.practitioner, practitioner_id)
    patients = _pinned(patients, spec.patient, patient_id)
    for clinic in _clinics(ctx, spec):
        working = set(
            db.scalars(
                select(practitioner_clinics.c.practitioner_id).where(
                    practitioner_clinics.c.clinic_id == clinic.id
                )
            )
        )
        priced = set(
            db.scalars(select(ClinicPrice.area_code).where(ClinicPrice.clinic_id == clinic.id))
        )
        areas = [a for a in PREFERRED_AREAS[spec.indication] if a in priced][: spec.areas]
        if not areas:
            continue
        homed = sorted(patients, key=lambda p: p.home_clinic_id != clinic.id)
        for practitioner in (p for p in practitioners if p.id in working):
            for patient in homed:
                for formulation_id in meant:
                    yield clinic, practitioner, patient, formulation_id, areas


def _pinned(
    records: list[_Record], key: str | None, id_of: Callable[[str], uuid.UUID]
) -> list[_Record]:
    """Only the record of demo key `key`, when it is among `records`; else all of them."""
    chosen = [r for r in records if key is not None and r.id == id_of(key)]
    return chosen or records


def _past_sessions(db: Session, plan: TreatmentPlan, clinic: Clinic, key: str) -> None:
    """Completed sessions in the past at 10:00 clinic time, then the plan completes."""
    zone = ZoneInfo(clinic.timezone)
    today = clock.now().astimezone(zone).date()
    step = CADENCE_DAYS[plan.cadence]
    first = today - timedelta(days=60)
    for n in range(plan.sessions_planned):
        starts = datetime.combine(first + timedelta(days=n * step), time(10), zone)
        db.add(
            TreatmentSession.for_plan(
                plan,
                plan.practitioner_id,
                starts,
                clinic.buffer_minutes,
                id=session_id(key, n + 1),
                status="completed",
                checked_in_at=starts - timedelta(minutes=10),
                completed_at=starts + SESSION_LENGTH,
                areas_treated=[a.area_code for a in plan.areas],
                notes="Demo: treated as planned.",
            )
        )
    db.flush()
    service.mark_completed_if_done(db, plan)


def _make(db: Session, ctx: "DemoContext", spec: _Spec, author: User) -> TreatmentPlan | None:
    for clinic, practitioner, patient, formulation_id, areas in _candidates(db, ctx, spec):
        body = PlanCreate(
            patient_id=patient.id,
            practitioner_id=practitioner.id,
            clinic_id=clinic.id,
            indication=spec.indication,
            area_codes=areas,
            formulation_id=formulation_id,
            cadence=spec.cadence,
            sessions_planned=spec.sessions,
        )
        try:
            with db.begin_nested():
                plan = service.create_plan(db, body, author, plan_id=plan_id(spec.key))
                if spec.status in ("active", "completed"):
                    service.consent(db, plan, None, author)
                if spec.status == "completed":
                    _past_sessions(db, plan, clinic, spec.key)
                if spec.status == "cancelled":
                    service.cancel_plan(db, plan, "Demo: the patient chose another treatment.")
        except DomainError:
            continue
        return plan
    return None


def seed_plans(db: Session, ctx: "DemoContext") -> None:
    """Demo step: one plan per spec in `SPECS`; quietly nothing without clinics and people."""
    author = db.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.created_at))
    if author is None or not ctx.objects.get("clinics"):
        return
    plans: dict[str, Any] = ctx.objects.setdefault("plans", {})
    for spec in SPECS:
        plan = _make(db, ctx, spec, author)
        if plan is not None:
            plans[spec.key] = plan
