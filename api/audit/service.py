"""Recording and reading audit events."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common.pagination import PageParams, SortKey, paginate


@dataclass
class Auditor:
    """Writes audit events for the calling user, in the request's transaction."""

    db: Session
    actor_id: uuid.UUID | None
    client_address: str | None

    def record(
        self,
        action: str,
        resource: str,
        resource_id: uuid.UUID | None,
        patient_id: uuid.UUID | None,
    ) -> None:
        """Every read and change of a patient's clinical data goes through here."""
        self.db.add(
            AuditEvent(
                actor_id=self.actor_id,
                action=action,
                resource=resource,
                resource_id=resource_id,
                patient_id=patient_id,
                client_address=self.client_address,
            )
        )


def list_events(
    db: Session,
    params: PageParams,
    patient_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    resource: str | None = None,
) -> tuple[list[AuditEvent], str | None]:
    """Audit events, newest first."""
    stmt = select(AuditEvent)
    if patient_id is not None:
        stmt = stmt.where(AuditEvent.patient_id == patient_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if resource is not None:
        stmt = stmt.where(AuditEvent.resource == resource)
    keys = [SortKey(AuditEvent.at, descending=True), SortKey(AuditEvent.id, descending=True)]
    return paginate(db, stmt, keys, params)
