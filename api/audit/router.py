"""GET /api/v1/audit-events (admins)."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Query

from api.audit import service
from api.auth.deps import AdminUser
from api.common.pagination import Page, PageDep
from api.common.routing import ApiRouter
from api.common.schemas import ReadSchema
from api.db import DbSession
from api.vocabulary import AuditAction

router = ApiRouter(prefix="/audit-events", tags=["audit"])


class AuditEventRead(ReadSchema):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    action: AuditAction
    patient_id: uuid.UUID | None
    resource: str
    resource_id: uuid.UUID | None
    client_address: str | None


@router.get("", summary="List audit events, newest first")
def list_audit_events(
    db: DbSession,
    _admin: AdminUser,
    page: PageDep,
    patient_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    resource: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[AuditEventRead]:
    items, cursor = service.list_events(db, page, patient_id, actor_id, resource)
    return Page(items=[AuditEventRead.model_validate(e) for e in items], next_cursor=cursor)
