"""Treatment plans: creation behind the safety gates, changes while proposed, consent,
cancellation and completion.

Counting: `sessions_booked` is the number of the plan's sessions that are not cancelled
(booked, checked in, completed or no-show) — exactly what counts against `sessions_planned`,
since a plan never has more non-cancelled sessions than planned; `sessions_completed` counts
the completed ones.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from api.catalogue.models import Formulation, TreatmentArea
from api.clinics.models import Clinic, ClinicPrice
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import ConflictItem, FieldError, InvalidInput, RuleConflict
from api.patients.models import Intake, Patient
from api.plans.deps import patient_visible, visible_plans
from api.plans.models import PlanArea, TreatmentPlan
from api.plans.quotes import Quote, quote
from api.plans.schemas import PlanCreate, PlanUpdate
from api.practitioners.models import Practitioner
from api.safety import gates
from api.safety.allergies import allergy_conflicts
from api.sessions.models import TreatmentSession
from api.users.models import Role, User

LATE_CANCELLATION = timedelta(hours=24)
OTHER_INDICATIONS_SESSIONS = 10
# Highest cellulite grade among the plan's areas → recommended number of sessions.
SESSIONS_BY_GRADE = {0: 6, 1: 6, 2: 12, 3: 20}


def recommended_sessions(indication: str, grades: Iterable[int]) -> int:
    """Cellulite: 6 for grade 0–1 or no grade recorded, 12 for grade 2, 20 for grade 3 (the
    highest among the plan's areas); any other indication: 10."""
    if indication != "cellulite":
        return OTHER_INDICATIONS_SESSIONS
    return SESSIONS_BY_GRADE[max(grades, default=0)]


def _invalid(errors: list[FieldError]) -> InvalidInput:
    exc = InvalidInput(errors[0].loc, "; ".join(e.msg for e in errors))
    exc.errors = errors
    return exc


@dataclass
class _Terms:
    """Everything a plan refers to, loaded and checked for existence."""

    patient: Patient
    practitioner: Practitioner
    clinic: Clinic
    formulation: Formulation
    indication: str
    area_codes: list[str]
    area_prices: list[tuple[str, Decimal]]


def _load_terms(
    db: Session,
    user: User,
    *,
    patient_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    clinic_id: uuid.UUID,
    formulation_id: uuid.UUID,
    indication: str,
    area_codes: Sequence[str],
    check_patient: bool = True,
) -> _Terms:
    """Load the referenced rows; unknown or invisible ids and unknown codes are 422."""
    errors: list[FieldError] = []
    patient = db.get(Patient, patient_id)
    if patient is None or (check_patient and not patient_visible(user, patient)):
        errors.append(FieldError(loc=["body", "patient_id"], msg="Unknown patient."))
    practitioner = db.scalar(
        select(Practitioner)
        .where(Practitioner.id == practitioner_id)
        .options(selectinload(Practitioner.clinics))
    )
    if practitioner is None:
        errors.append(FieldError(loc=["body", "practitioner_id"], msg="Unknown practitioner."))
    clinic = db.get(Clinic, clinic_id)
    if clinic is None:
        errors.append(FieldError(loc=["body", "clinic_id"], msg="Unknown clinic."))
    formulation = db.scalar(
        select(Formulation)
        .where(Formulation.id == formulation_id)
        .options(selectinload(Formulation.indications), selectinload(Formulation.ingredients))
    )
    if formulation is None:
        errors.append(FieldError(loc=["body", "formulation_id"], msg="Unknown formulation."))
    known = set(db.scalars(select(TreatmentArea.code).where(TreatmentArea.code.in_(area_codes))))
    unknown = [c for c in area_codes if c not in known]
    if unknown:
        errors.append(
            FieldError(loc=["body", "area_codes"], msg=f"Unknown area code: {', '.join(unknown)}.")
        )
    prices: dict[str, Decimal] = {}
    if clinic is not None and not unknown:
        prices = dict(
            db.execute(
                select(ClinicPrice.area_code, ClinicPrice.price).where(
                    ClinicPrice.clinic_id == clinic.id, ClinicPrice.area_code.in_(area_codes)
                )
            )
            .tuples()
            .all()
        )
        unpriced = [c for c in area_codes if c not in prices]
        if unpriced:
            errors.append(
                FieldError(
                    loc=["body", "area_codes"],
                    msg=f"No price at this clinic for area: {', '.join(unpriced)}.",
                )
            )
    if errors:
        raise _invalid(errors)
    assert patient and practitioner and clinic and formulation
    return _Terms(
        patient=patient,
        practitioner=practitioner,
        clinic=clinic,
        formulation=formulation,
        indication=indication,
        area_codes=list(area_codes),
        area_prices=[(c, Decimal(prices[c])) for c in area_codes],
    )


def _gate(
    db: Session,
    terms: _Terms,
    intake: Intake | None,
    override_reason: str | None,
    override_by_practitioner: bool,
) -> None:
    """Run every safety gate and refuse once (409) with all the conflicts found."""
    day = gates.local_today(terms.clinic)
    substances = [i.substance_code for i in terms.formulation.ingredients]
    conflicts: list[ConflictItem] = [
        *gates.age_conflicts(terms.patient, day),
        *gates.intake_conflicts(intake),
        *allergy_conflicts(db, terms.patient.id, substances),
        *gates.contraindication_conflicts(db, intake, override_reason, override_by_practitioner),
        *gates.licence_and_qualification_conflicts(terms.practitioner, terms.clinic, day),
        *gates.indication_conflicts(
            terms.indication, [i.indication for i in terms.formulation.indications]
        ),
    ]
    if conflicts:
        raise RuleConflict(conflicts)


def _grades(intake: Intake | None, area_codes: Sequence[str]) -> list[int]:
    if intake is None:
        return []
    return [c.grade for c in intake.cellulite if c.area_code in area_codes]


def _apply_quote(plan: TreatmentPlan, q: Quote) -> None:
    plan.currency = q.currency
    plan.session_price = q.session_price
    plan.total = q.total
    plan.areas = [
        PlanArea(area_code=line.area_code, position=i, price=line.price, rate=line.rate)
        for i, line in enumerate(q.lines)
    ]


def _touch(plan: TreatmentPlan) -> None:
    # The ETag is made from updated_at: make sure every change moves it, even on a frozen clock.
    plan.updated_at = max(clock.now(), plan.updated_at + timedelta(microseconds=1))


def create_plan(db: Session, data: PlanCreate, user: User) -> TreatmentPlan:
    """Create a `proposed` plan once every safety gate passes, with its quote.

    An `override_reason` is kept only from a practitioner's account (an admin's does not
    accept a relative contraindication); `sessions_planned` defaults to the recommendation.
    """
    terms = _load_terms(
        db,
        user,
        patient_id=data.patient_id,
        practitioner_id=data.practitioner_id,
        clinic_id=data.clinic_id,
        formulation_id=data.formulation_id,
        indication=data.indication,
        area_codes=data.area_codes,
    )
    intake = gates.latest_intake(db, terms.patient.id)
    by_practitioner = user.role == Role.PRACTITIONER
    _gate(db, terms, intake, data.override_reason, by_practitioner)
    sessions = data.sessions_planned or recommended_sessions(
        data.indication, _grades(intake, data.area_codes)
    )
    plan = TreatmentPlan(
        patient_id=terms.patient.id,
        practitioner_id=terms.practitioner.id,
        clinic_id=terms.clinic.id,
        indication=data.indication,
        formulation_id=terms.formulation.id,
        cadence=data.cadence,
        sessions_planned=sessions,
        status="proposed",
        override_reason=data.override_reason if by_practitioner else None,
        created_by=user.id,
    )
    _apply_quote(
        plan,
        quote(
            terms.area_prices, terms.clinic.additional_area_rate, terms.clinic.currency, sessions
        ),
    )
    db.add(plan)
    db.flush()
    return plan


def _invalid_transition(detail: str) -> RuleConflict:
    return RuleConflict.one("invalid_transition", detail)


def count_sessions(db: Session, plan_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """(sessions_booked, sessions_completed) for each plan, in one query."""
    if not plan_ids:
        return {}
    rows = db.execute(
        select(
            TreatmentSession.plan_id,
            func.sum(case((TreatmentSession.status != "cancelled", 1), else_=0)),
            func.sum(case((TreatmentSession.status == "completed", 1), else_=0)),
        )
        .where(TreatmentSession.plan_id.in_(plan_ids))
        .group_by(TreatmentSession.plan_id)
    ).tuples()
    counts = {plan_id: (int(booked or 0), int(done or 0)) for plan_id, booked, done in rows}
    return {plan_id: counts.get(plan_id, (0, 0)) for plan_id in plan_ids}


def update_plan(db: Session, plan: TreatmentPlan, data: PlanUpdate, user: User) -> TreatmentPlan:
    """Change a plan while it is `proposed`: the gates run again on the merged terms and the
    quote is made again from today's prices. A kept `override_reason` was given by a
    practitioner; a new one counts only from a practitioner's account. `sessions_planned`
    cannot go below the sessions already booked (`plan_full`)."""
    if plan.status != "proposed":
        raise _invalid_transition(f"A {plan.status} plan can no longer be changed.")
    fields = data.model_fields_set
    area_codes = (
        data.area_codes if data.area_codes is not None else [a.area_code for a in plan.areas]
    )
    indication = data.indication or plan.indication
    terms = _load_terms(
        db,
        user,
        patient_id=plan.patient_id,
        practitioner_id=data.practitioner_id or plan.practitioner_id,
        clinic_id=plan.clinic_id,
        formulation_id=data.formulation_id or plan.formulation_id,
        indication=indication,
        area_codes=area_codes,
        check_patient=False,  # the plan is visible, so its patient may be named
    )
    intake = gates.latest_intake(db, plan.patient_id)
    if "override_reason" in fields:
        override_reason = data.override_reason
        by_practitioner = user.role == Role.PRACTITIONER
    else:
        override_reason, by_practitioner = plan.override_reason, True
    _gate(db, terms, intake, override_reason, by_practitioner)
    if "sessions_planned" in fields:
        sessions = data.sessions_planned or recommended_sessions(
            indication, _grades(intake, area_codes)
        )
    else:
        sessions = plan.sessions_planned
    booked, _ = count_sessions(db, [plan.id])[plan.id]
    if sessions < booked:
        raise RuleConflict.one(
            "plan_full",
            f"The plan already has {booked} sessions booked; sessions_planned cannot be "
            f"{sessions}.",
        )
    plan.practitioner_id = terms.practitioner.id
    plan.indication = indication
    plan.formulation_id = terms.formulation.id
    plan.cadence = data.cadence or plan.cadence
    plan.sessions_planned = sessions
    plan.override_reason = override_reason if by_practitioner else None
    # Clear the old lines first: a line's key is (plan, area) and may come back.
    plan.areas.clear()
    db.flush()
    clinic = terms.clinic
    _apply_quote(
        plan, quote(terms.area_prices, clinic.additional_area_rate, clinic.currency, sessions)
    )
    _touch(plan)
    db.flush()
    return plan


def consent(db: Session, plan: TreatmentPlan, signed_at: datetime | None, user: User) -> None:
    """Record consent: `proposed` → `active`. A second consent, or consent to a cancelled or
    completed plan, is an invalid transition; `signed_at` (default now) cannot be in the future."""
    if plan.status != "proposed":
        detail = (
            "The plan is already consented to."
            if plan.status == "active"
            else f"A {plan.status} plan cannot be consented to."
        )
        raise _invalid_transition(detail)
    now = clock.now()
    if signed_at is not None and signed_at > now:
        raise InvalidInput(["body", "signed_at"], "signed_at cannot be in the future.")
    plan.status = "active"
    plan.consented_at = signed_at or now
    plan.consented_by = user.id
    _touch(plan)
    db.flush()


def cancel_plan(db: Session, plan: TreatmentPlan, reason: str) -> list[TreatmentSession]:
    """Cancel a proposed or active plan and, in the same transaction, every session of it
    still to come (booked or checked in, starting after now); returns those sessions."""
    if plan.status in ("completed", "cancelled"):
        raise _invalid_transition(f"A {plan.status} plan cannot be cancelled.")
    now = clock.now()
    plan.status = "cancelled"
    plan.cancelled_at = now
    plan.cancel_reason = reason
    _touch(plan)
    upcoming = list(
        db.scalars(
            select(TreatmentSession).where(
                TreatmentSession.plan_id == plan.id,
                TreatmentSession.status.in_(("booked", "checked_in")),
                TreatmentSession.starts_at > now,
            )
        )
    )
    for session in upcoming:
        session.status = "cancelled"
        session.cancelled_at = now
        session.cancel_reason = f"Treatment plan cancelled: {reason}"
        session.late_cancellation = session.starts_at - now < LATE_CANCELLATION
    db.flush()
    return upcoming


def mark_completed_if_done(db: Session, plan: TreatmentPlan) -> bool:
    """An active plan becomes `completed` when its last session is completed: it has
    `sessions_planned` sessions that are not cancelled, none of them still to be done (booked
    or checked in) and at least one completed (a no-show takes its place in the course; it
    is not made up by an extra session). Call after a session completes; returns whether
    the plan just completed."""
    if plan.status != "active":
        return False
    by_status = dict(
        db.execute(
            select(TreatmentSession.status, func.count())
            .where(TreatmentSession.plan_id == plan.id)
            .group_by(TreatmentSession.status)
        )
        .tuples()
        .all()
    )
    held = sum(n for status, n in by_status.items() if status != "cancelled")
    still_open = by_status.get("booked", 0) + by_status.get("checked_in", 0)
    if held < plan.sessions_planned or still_open or not by_status.get("completed"):
        return False
    plan.status = "completed"
    _touch(plan)
    db.flush()
    return True


def plan_sessions(db: Session, plan_id: uuid.UUID) -> list[TreatmentSession]:
    """The plan's sessions in time order, with their follow-ups."""
    return list(
        db.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.plan_id == plan_id)
            .options(selectinload(TreatmentSession.follow_ups))
            .order_by(TreatmentSession.starts_at, TreatmentSession.id)
        )
    )


def clinic_timezone(db: Session, clinic_id: uuid.UUID) -> str:
    timezone = db.scalar(select(Clinic.timezone).where(Clinic.id == clinic_id))
    assert timezone is not None
    return timezone


@dataclass(frozen=True)
class PlanFilters:
    patient_id: uuid.UUID | None = None
    practitioner_id: uuid.UUID | None = None
    clinic_id: uuid.UUID | None = None
    status: str | None = None


def list_plans(
    db: Session, user: User, filters: PlanFilters, params: PageParams
) -> tuple[list[TreatmentPlan], str | None]:
    """The plans visible to `user`, newest first, with their areas loaded."""
    stmt = (
        select(TreatmentPlan).where(visible_plans(user)).options(selectinload(TreatmentPlan.areas))
    )
    if filters.patient_id is not None:
        stmt = stmt.where(TreatmentPlan.patient_id == filters.patient_id)
    if filters.practitioner_id is not None:
        stmt = stmt.where(TreatmentPlan.practitioner_id == filters.practitioner_id)
    if filters.clinic_id is not None:
        stmt = stmt.where(TreatmentPlan.clinic_id == filters.clinic_id)
    if filters.status is not None:
        stmt = stmt.where(TreatmentPlan.status == filters.status)
    keys = [
        SortKey(TreatmentPlan.created_at, descending=True),
        SortKey(TreatmentPlan.id, descending=True),
    ]
    return paginate(db, stmt, keys, params)
