"""Follow-ups: bruising, soreness and adverse events reported after a completed session."""

import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, RuleConflict
from api.sessions.lookup import LocatedSession
from api.sessions.models import FollowUp
from api.sessions.schemas import FollowUpCreate
from api.users.models import User
from api.vocabulary import ConflictCode, SessionStatus


def record_follow_up(
    db: Session, located: LocatedSession, body: FollowUpCreate, user: User
) -> FollowUp:
    """Record a follow-up. Only a `completed` session takes one (else 409
    `invalid_transition`), and `reported_on` runs from the session's clinic-local date to the
    clinic-local today (else 422); it defaults to today."""
    session = located.session
    if session.status != SessionStatus.COMPLETED:
        raise RuleConflict.one(
            ConflictCode.INVALID_TRANSITION,
            f"Follow-ups are reported for completed sessions; this one is {session.status}.",
            status=session.status,
        )
    session_day = session.starts_at.astimezone(ZoneInfo(located.timezone)).date()
    today = clock.clinic_today(located.timezone)
    reported_on = body.reported_on or today
    if reported_on < session_day:
        raise InvalidInput(
            ["body", "reported_on"],
            f"reported_on must be on or after the session's date ({session_day.isoformat()}).",
        )
    if reported_on > today:
        raise InvalidInput(
            ["body", "reported_on"],
            f"reported_on must not be after today at the clinic ({today.isoformat()}).",
        )
    follow_up = FollowUp(
        session_id=session.id,
        reported_on=reported_on,
        bruising=body.bruising,
        soreness=body.soreness,
        days_lasted=body.days_lasted,
        adverse_event=body.adverse_event,
        notes=body.notes,
        reported_by=user.id,
    )
    db.add(follow_up)
    db.flush()
    return follow_up


def list_follow_ups(
    db: Session, session_id: uuid.UUID, params: PageParams
) -> tuple[list[FollowUp], str | None]:
    """The session's follow-ups by `reported_on`, then id."""
    stmt = select(FollowUp).where(FollowUp.session_id == session_id)
    return paginate(db, stmt, [SortKey(FollowUp.reported_on), SortKey(FollowUp.id)], params)
