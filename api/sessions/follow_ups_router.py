"""/api/v1/sessions/{id}/follow-ups: report and read what followed a completed session."""

from fastapi import status

from api.audit.deps import AuditorDep
from api.auth.deps import CurrentUser
from api.common.pagination import Page, PageDep
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.sessions import follow_ups as service
from api.sessions.deps import ReportingUser, VisibleSession
from api.sessions.schemas import FollowUpCreate, FollowUpRead
from api.vocabulary import ConflictCode

RESOURCE = "follow_up"

router = ApiRouter(prefix="/sessions", tags=["follow-ups"])


@router.post(
    "/{session_id}/follow-ups",
    status_code=status.HTTP_201_CREATED,
    responses=conflicts(ConflictCode.INVALID_TRANSITION),
    summary="Report a follow-up of a completed session",
)
def create_follow_up(
    db: DbSession,
    user: ReportingUser,
    located: VisibleSession,
    auditor: AuditorDep,
    body: FollowUpCreate,
) -> FollowUpRead:
    follow_up = service.record_follow_up(db, located, body, user)
    auditor.record("create", RESOURCE, follow_up.id, located.session.patient_id)
    return FollowUpRead.of(follow_up, user)


@router.get("/{session_id}/follow-ups", summary="List a session's follow-ups")
def list_follow_ups(
    db: DbSession, user: CurrentUser, located: VisibleSession, auditor: AuditorDep, page: PageDep
) -> Page[FollowUpRead]:
    follow_ups, cursor = service.list_follow_ups(db, located.session.id, page)
    for follow_up in follow_ups:
        auditor.record("read", RESOURCE, follow_up.id, located.session.patient_id)
    return Page(items=[FollowUpRead.of(f, user) for f in follow_ups], next_cursor=cursor)
