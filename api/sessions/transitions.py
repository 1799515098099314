"""The life of a session: every transition and its rules, with no database and no HTTP.

    booked ──check_in──▶ checked_in ──complete──▶ completed
      │  └───no_show──▶ no_show
      └─────cancel────▶ cancelled        (a plan's cancellation also takes checked-in ones)

- check-in is open from `CHECK_IN_OPENS` before the start until the end of the session, for a
  consented (active) plan whose safety gates pass again;
- completion takes the areas treated (a subset of the plan's) and notes;
- a no-show is marked only once the start has passed;
- a cancellation under `LATE_CANCELLATION` before the start is late.
Any other transition is 409 `invalid_transition`. The caller reads what a rule needs (the
plan's status, its areas, the gates' answer) and flushes; `now` is always passed in.
"""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from api.errors import ConflictItem, InvalidInput, RuleConflict
from api.sessions.models import TreatmentSession
from api.vocabulary import ConflictCode, PlanStatus, SessionStatus

CHECK_IN_OPENS = timedelta(hours=1)
LATE_CANCELLATION = timedelta(hours=24)
# A session still to be done: a plan's cancellation takes it along.
OPEN_STATUSES = (SessionStatus.BOOKED, SessionStatus.CHECKED_IN)
# The 409 codes of a transition; check-in also runs the gates (`check_in`'s `gate_conflicts`).
TRANSITION_CODES = frozenset({ConflictCode.INVALID_TRANSITION})
CHECK_IN_CODES = TRANSITION_CODES | {ConflictCode.CONSENT_REQUIRED}


def _invalid(session: TreatmentSession, action: str) -> RuleConflict:
    return RuleConflict.one(
        ConflictCode.INVALID_TRANSITION, f"A {session.status} session cannot be {action}."
    )


def _cancelled(session: TreatmentSession, reason: str, now: datetime) -> None:
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason
    session.late_cancellation = session.starts_at - now < LATE_CANCELLATION


def cancel(session: TreatmentSession, reason: str, now: datetime) -> None:
    """booked → cancelled; late when under `LATE_CANCELLATION` before the start."""
    if session.status != SessionStatus.BOOKED:
        raise _invalid(session, "cancelled")
    _cancelled(session, reason, now)


def cancel_with_plan(session: TreatmentSession, plan_reason: str, now: datetime) -> None:
    """A session still to come (booked or checked in) cancelled with its plan, late as
    `cancel` says."""
    if session.status not in OPEN_STATUSES:
        raise _invalid(session, "cancelled")
    _cancelled(session, f"Treatment plan cancelled: {plan_reason}", now)


def check_in_open(session: TreatmentSession, now: datetime) -> None:
    """The checks of `check_in` that need nothing but the session: it is booked and `now` is
    within the window (so a caller can refuse before reading the plan and running the gates)."""
    if session.status != SessionStatus.BOOKED:
        raise _invalid(session, "checked in")
    if not (session.starts_at - CHECK_IN_OPENS <= now <= session.ends_at):
        raise RuleConflict.one(
            ConflictCode.INVALID_TRANSITION,
            "Check-in is open from one hour before the start until the end of the session.",
        )


def check_in(
    session: TreatmentSession,
    now: datetime,
    plan_status: str,
    gate_conflicts: Sequence[ConflictItem],
) -> None:
    """booked → checked_in, within the window, for an active (consented) plan whose safety
    gates found nothing."""
    check_in_open(session, now)
    if plan_status != PlanStatus.ACTIVE:
        raise RuleConflict.one(
            ConflictCode.CONSENT_REQUIRED, "The plan has no consent (it is not active)."
        )
    if gate_conflicts:
        raise RuleConflict(gate_conflicts)
    session.status = SessionStatus.CHECKED_IN
    session.checked_in_at = now


def complete(
    session: TreatmentSession,
    areas: Sequence[str],
    plan_areas: Collection[str],
    notes: str,
    now: datetime,
) -> None:
    """checked_in → completed with the areas treated (each an area of the plan, else 422) and
    notes."""
    if session.status != SessionStatus.CHECKED_IN:
        raise _invalid(session, "completed")
    unknown = sorted(set(areas) - set(plan_areas))
    if unknown:
        raise InvalidInput(
            ["body", "areas_treated"], f"Not areas of the plan: {', '.join(unknown)}."
        )
    session.status = SessionStatus.COMPLETED
    session.completed_at = now
    session.areas_treated = list(dict.fromkeys(areas))
    session.notes = notes


def no_show(session: TreatmentSession, now: datetime) -> None:
    """booked → no_show, only once the start has passed."""
    if session.status != SessionStatus.BOOKED:
        raise _invalid(session, "marked no-show")
    if now < session.starts_at:
        raise RuleConflict.one(
            ConflictCode.INVALID_TRANSITION, "A no-show is marked only after the start."
        )
    session.status = SessionStatus.NO_SHOW


def ensure_reschedulable(session: TreatmentSession) -> None:
    """Only a booked session moves."""
    if session.status != SessionStatus.BOOKED:
        raise _invalid(session, "rescheduled")
