"""/api/v1/sessions: HTTP only, the rules live in the services."""

import uuid
from typing import Annotated

from fastapi import Query, Response, status

from api.audit.deps import AuditorDep
from api.audit.service import Auditor
from api.auth.deps import ClinicalUser, CurrentUser, StaffUser
from api.common.etag import IfMatch, check_if_match
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.common.types import CalendarDate
from api.db import DbSession
from api.idempotency.deps import IdempotencyKey, as_response
from api.idempotency.service import Answer, run_once
from api.safety import gates
from api.scheduling import booking, sessions
from api.scheduling.schemas import (
    SessionBook,
    SessionCancel,
    SessionComplete,
    SessionReschedule,
    etag,
    session_state,
)
from api.sessions import transitions
from api.sessions.lookup import LocatedSession, visible_session
from api.sessions.models import TreatmentSession
from api.sessions.schemas import SessionRead
from api.vocabulary import SessionStatus

router = ApiRouter(prefix="/sessions", tags=["sessions"])

TRANSITION_RESPONSES = conflicts(transitions.TRANSITION_CODES)


def _answer(located: LocatedSession, response: Response) -> SessionRead:
    response.headers["ETag"] = etag(located.session)
    return SessionRead.of(located.session, located.timezone)


def _audit_notes_read(auditor: Auditor, session: TreatmentSession) -> None:
    if session.notes:
        auditor.record("read", "session", session.id, session.patient_id)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionRead,
    responses=conflicts(booking.BOOK_CODES),
    summary="Book one session of a treatment plan",
)
def book_session(
    db: DbSession, user: CurrentUser, body: SessionBook, idempotency_key: IdempotencyKey = None
) -> Response:

    def book() -> Answer:
        session, clinic = booking.book_session(
            db, user, body.treatment_plan_id, body.practitioner_id, body.starts_at
        )
        payload = SessionRead.of(session, clinic.timezone).model_dump(mode="json")
        return Answer(201, payload, headers={"ETag": etag(session)})

    operation = "POST /sessions"
    return as_response(run_once(db, user.id, idempotency_key, operation, body, book))


@router.get("", summary="List sessions")
def list_sessions(
    db: DbSession,
    user: CurrentUser,
    auditor: AuditorDep,
    page: PageDep,
    clinic_id: uuid.UUID | None = None,
    practitioner_id: uuid.UUID | None = None,
    patient_id: uuid.UUID | None = None,
    treatment_plan_id: uuid.UUID | None = None,
    status: SessionStatus | None = None,
    from_: Annotated[
        CalendarDate | None, Query(alias="from", description="Clinic-local date.")
    ] = None,
    to: Annotated[CalendarDate | None, Query(description="Clinic-local date, inclusive.")] = None,
) -> Page[SessionRead]:
    items, cursor = sessions.list_sessions(
        db,
        user,
        page,
        clinic_id=clinic_id,
        practitioner_id=practitioner_id,
        patient_id=patient_id,
        plan_id=treatment_plan_id,
        status=status,
        first_day=from_,
        last_day=to,
    )
    zones = sessions.timezones(db, [s.clinic_id for s in items])
    for s in items:
        _audit_notes_read(auditor, s)
    return Page(items=[SessionRead.of(s, zones[s.clinic_id]) for s in items], next_cursor=cursor)


@router.get("/{session_id}", summary="Read one session")
def get_session(
    db: DbSession, user: CurrentUser, auditor: AuditorDep, session_id: uuid.UUID, response: Response
) -> SessionRead:
    located = visible_session(db, user, session_id)
    _audit_notes_read(auditor, located.session)
    return _answer(located, response)


@router.patch(
    "/{session_id}",
    responses=conflicts(booking.RESCHEDULE_CODES),
    summary="Reschedule a booked session",
)
def reschedule_session(
    db: DbSession,
    user: CurrentUser,
    session_id: uuid.UUID,
    body: SessionReschedule,
    response: Response,
    if_match: IfMatch = None,
) -> SessionRead:
    located = visible_session(db, user, session_id)
    check_if_match(if_match, *session_state(located.session))
    booking.reschedule_session(db, user, located.session, body.starts_at)
    return _answer(located, response)


@router.post("/{session_id}/cancel", responses=TRANSITION_RESPONSES, summary="Cancel")
def cancel_session(
    db: DbSession, user: CurrentUser, session_id: uuid.UUID, body: SessionCancel, response: Response
) -> SessionRead:
    located = visible_session(db, user, session_id)
    sessions.cancel(db, located.session, body.reason)
    return _answer(located, response)


@router.post(
    "/{session_id}/check-in",
    responses=conflicts(transitions.CHECK_IN_CODES, gates.RECHECK_CODES),
    summary="Check in",
)
def check_in_session(
    db: DbSession, user: StaffUser, session_id: uuid.UUID, response: Response
) -> SessionRead:
    located = visible_session(db, user, session_id)
    sessions.check_in(db, located.session)
    return _answer(located, response)


@router.post(
    "/{session_id}/complete", responses=TRANSITION_RESPONSES, summary="Complete with notes"
)
def complete_session(
    db: DbSession,
    user: ClinicalUser,
    auditor: AuditorDep,
    session_id: uuid.UUID,
    body: SessionComplete,
    response: Response,
) -> SessionRead:
    located = visible_session(db, user, session_id)
    session = located.session
    sessions.complete(db, session, body.areas_treated, body.notes)
    auditor.record("update", "session", session.id, session.patient_id)
    return _answer(located, response)


@router.post("/{session_id}/no-show", responses=TRANSITION_RESPONSES, summary="Mark no-show")
def no_show_session(
    db: DbSession, user: StaffUser, session_id: uuid.UUID, response: Response
) -> SessionRead:
    located = visible_session(db, user, session_id)
    sessions.no_show(db, located.session)
    return _answer(located, response)
