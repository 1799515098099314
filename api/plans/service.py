"""Treatment plans: creation behind the safety gates, changes while proposed, consent,
cancellation and completion.

Counting: `sessions_booked` is the number of the plan's sessions that are not cancelled
(booked, checked in, completed or no-show) — exactly what counts against `sessions_planned`,
since a plan never has more non-cancelled sessions than planned; `sessions_completed` counts
the completed ones.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, selectinload

from api.access import care_scope
from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound, RuleConflict
from api.plans import eligibility
from api.plans.models import PlanArea, TreatmentPlan
from api.plans.quotes import Quote, quote
from api.plans.schemas import PlanCreate, PlanUpdate
from api.safety import gates
from api.sessions import transitions
from api.sessions.models import TreatmentSession
from api.users.models import User
from api.vocabulary import ConflictCode, PlanStatus, Role, SessionStatus


def visible_plans(user: User) -> ColumnElement[bool]:
    """A WHERE clause keeping the plans `user` may see (`api.access.care_scope`)."""
    return care_scope(user).inline(TreatmentPlan.clinic_id, TreatmentPlan.patient_id)


def visible_plan(db: Session, user: User, plan_id: uuid.UUID, *, for_update: bool) -> TreatmentPlan:
    """The plan `plan_id` with its areas, or 404 when unknown or not visible to `user`; with
    `for_update`, its row locked until the transaction ends."""
    stmt = (
        select(TreatmentPlan)
        .where(TreatmentPlan.id == plan_id, visible_plans(user))
        .options(selectinload(TreatmentPlan.areas))
    )
    if for_update:
        stmt = stmt.with_for_update(of=TreatmentPlan)
    plan = db.scalar(stmt)
    if plan is None:
        raise NotFound("Treatment plan")
    return plan


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


def create_plan(
    db: Session, data: PlanCreate, user: User, *, plan_id: uuid.UUID | None = None
) -> TreatmentPlan:
    """Create a `proposed` plan once every safety gate passes, with its quote.

    An `override_reason` is kept only from a practitioner's account (an admin's does not
    accept a relative contraindication); `sessions_planned` defaults to the recommendation.
    `plan_id`: the id to give it (the demo's fixed ids), else a random one.
    """
    terms = eligibility.load_terms(
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
    eligibility.run_gates(db, terms, intake, data.override_reason, by_practitioner)
    sessions = data.sessions_planned or eligibility.recommended_sessions(
        data.indication, eligibility.grades_of(intake, data.area_codes)
    )
    plan = TreatmentPlan(
        patient_id=terms.patient.id,
        practitioner_id=terms.practitioner.id,
        clinic_id=terms.clinic.id,
        indication=data.indication,
        formulation_id=terms.formulation.id,
        cadence=data.cadence,
        sessions_planned=sessions,
        status=PlanStatus.PROPOSED,
        override_reason=data.override_reason if by_practitioner else None,
        override_codes=(
            eligibility.override_codes(intake) if by_practitioner and data.override_reason else []
        ),
        created_by=user.id,
    )
    if plan_id is not None:
        plan.id = plan_id
    _apply_quote(
        plan,
        quote(
            terms.area_prices, terms.clinic.additional_area_rate, terms.clinic.currency, sessions
        ),
    )
    db.add(plan)
    db.flush()
    return plan


# The 409 codes of creating, changing, consenting to and cancelling a plan.
CREATE_CODES = eligibility.ELIGIBILITY_CODES
UPDATE_CODES = eligibility.ELIGIBILITY_CODES | {
    ConflictCode.INVALID_TRANSITION,
    ConflictCode.PLAN_FULL,
}
TRANSITION_CODES = frozenset({ConflictCode.INVALID_TRANSITION})


def _invalid_transition(detail: str) -> RuleConflict:
    return RuleConflict.one(ConflictCode.INVALID_TRANSITION, detail)


def count_sessions(db: Session, plan_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    """(sessions_booked, sessions_completed) for each plan, in one query."""
    if not plan_ids:
        return {}
    rows = db.execute(
        select(
            TreatmentSession.plan_id,
            func.sum(case((TreatmentSession.status != SessionStatus.CANCELLED, 1), else_=0)),
            func.sum(case((TreatmentSession.status == SessionStatus.COMPLETED, 1), else_=0)),
        )
        .where(TreatmentSession.plan_id.in_(plan_ids))
        .group_by(TreatmentSession.plan_id)
    ).tuples()
    counts = {plan_id: (int(booked or 0), int(done or 0)) for plan_id, booked, done in rows}
    return {plan_id: counts.get(plan_id, (0, 0)) for plan_id in plan_ids}


def update_plan(db: Session, plan: TreatmentPlan, data: PlanUpdate, user: User) -> TreatmentPlan:
    """Change a plan while it is `proposed`: the gates run again on the merged terms and the
    quote is made again from today's prices. A kept `override_reason` still covers only the
    relative contraindications it covered when given; a new one counts only from a
    practitioner's account and covers those of the latest intake. `sessions_planned`
    cannot go below the sessions already booked (`plan_full`)."""
    if plan.status != PlanStatus.PROPOSED:
        raise _invalid_transition(f"A {plan.status} plan can no longer be changed.")
    fields = data.model_fields_set
    area_codes = (
        data.area_codes if data.area_codes is not None else [a.area_code for a in plan.areas]
    )
    indication = data.indication or plan.indication
    terms = eligibility.load_terms(
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
        by_practitioner = user.role == Role.PRACTITIONER
        override_reason = data.override_reason if by_practitioner else None
        eligibility.run_gates(db, terms, intake, data.override_reason, by_practitioner)
        covered = eligibility.override_codes(intake) if override_reason else []
    else:
        # A kept override covers what it covered when given, not what was recorded since.
        override_reason, covered = plan.override_reason, plan.override_codes
        eligibility.run_gates(db, terms, intake, None, False, covered)
    if "sessions_planned" in fields:
        sessions = data.sessions_planned or eligibility.recommended_sessions(
            indication, eligibility.grades_of(intake, area_codes)
        )
    else:
        sessions = plan.sessions_planned
    booked, _ = count_sessions(db, [plan.id])[plan.id]
    if sessions < booked:
        raise RuleConflict.one(
            ConflictCode.PLAN_FULL,
            f"The plan already has {booked} sessions booked; sessions_planned cannot be "
            f"{sessions}.",
        )
    plan.practitioner_id = terms.practitioner.id
    plan.indication = indication
    plan.formulation_id = terms.formulation.id
    plan.cadence = data.cadence or plan.cadence
    plan.sessions_planned = sessions
    plan.override_reason = override_reason
    plan.override_codes = covered
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
    if plan.status != PlanStatus.PROPOSED:
        detail = (
            "The plan is already consented to."
            if plan.status == PlanStatus.ACTIVE
            else f"A {plan.status} plan cannot be consented to."
        )
        raise _invalid_transition(detail)
    now = clock.now()
    if signed_at is not None and signed_at > now:
        raise InvalidInput(["body", "signed_at"], "signed_at cannot be in the future.")
    plan.status = PlanStatus.ACTIVE
    plan.consented_at = signed_at or now
    plan.consented_by = user.id
    _touch(plan)
    db.flush()


def cancel_plan(db: Session, plan: TreatmentPlan, reason: str) -> list[TreatmentSession]:
    """Cancel a proposed or active plan and, in the same transaction, every session of it
    still to come (booked or checked in, starting after now); returns those sessions."""
    if plan.status in (PlanStatus.COMPLETED, PlanStatus.CANCELLED):
        raise _invalid_transition(f"A {plan.status} plan cannot be cancelled.")
    now = clock.now()
    plan.status = PlanStatus.CANCELLED
    plan.cancelled_at = now
    plan.cancel_reason = reason
    _touch(plan)
    upcoming = list(
        db.scalars(
            select(TreatmentSession).where(
                TreatmentSession.plan_id == plan.id,
                TreatmentSession.status.in_(transitions.OPEN_STATUSES),
                TreatmentSession.starts_at > now,
            )
        )
    )
    for session in upcoming:
        transitions.cancel_with_plan(session, reason, now)
    db.flush()
    return upcoming


def mark_completed_if_done(db: Session, plan: TreatmentPlan) -> bool:
    """An active plan becomes `completed` when its last session is completed: it has
    `sessions_planned` sessions that are not cancelled, none of them still to be done (booked
    or checked in) and at least one completed (a no-show takes its place in the course; it
    is not made up by an extra session). Call after a session completes; returns whether
    the plan just completed."""
    if plan.status != PlanStatus.ACTIVE:
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
    held = sum(n for status, n in by_status.items() if status != SessionStatus.CANCELLED)
    still_open = by_status.get(SessionStatus.BOOKED, 0) + by_status.get(SessionStatus.CHECKED_IN, 0)
    if held < plan.sessions_planned or still_open or not by_status.get(SessionStatus.COMPLETED):
        return False
    plan.status = PlanStatus.COMPLETED
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
