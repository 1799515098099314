"""POST /api/v1/treatment-plans/{id}/schedule: HTTP only, the rules live in `course.py`."""

import uuid

from fastapi import Response, status

from api.audit.deps import AuditorDep
from api.auth.deps import StaffUser
from api.common.responses import conflicts
from api.common.routing import ApiRouter
from api.db import DbSession
from api.idempotency.deps import IdempotencyKey, as_response
from api.idempotency.service import Answer, run_once
from api.scheduling import course
from api.scheduling.schemas import CourseRead, CourseSchedule
from api.sessions.schemas import SessionRead

router = ApiRouter(prefix="/treatment-plans", tags=["treatment plans"])


@router.post(
    "/{plan_id}/schedule",
    status_code=status.HTTP_201_CREATED,
    response_model=CourseRead,
    responses={
        200: {"model": CourseRead, "description": "Dry run: where the sessions would go."},
        **conflicts(course.COURSE_CODES),
    },
    summary="Book the plan's remaining sessions, one per cadence step (all or nothing)",
)
def schedule_course(
    db: DbSession,
    user: StaffUser,
    auditor: AuditorDep,
    plan_id: uuid.UUID,
    body: CourseSchedule,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Receptionists, practitioners and admins schedule the plans they can see (a patient books
    single sessions only). Answers 201 with the new sessions in order; 200 for a dry run."""

    def schedule() -> Answer:
        sessions, clinic = course.schedule_course(
            db, user, plan_id, body.practitioner_id, body.first_starts_at, dry_run=body.dry_run
        )
        payload = CourseRead(
            sessions=[SessionRead.of(s, clinic.timezone) for s in sessions]
        ).model_dump(mode="json")
        if body.dry_run:
            return Answer(200, payload, remembered=False)
        for session in sessions:
            auditor.record("create", "session", session.id, session.patient_id)
        return Answer(201, payload)

    operation = f"POST /treatment-plans/{plan_id}/schedule"
    return as_response(run_once(db, user.id, idempotency_key, operation, body, schedule))
