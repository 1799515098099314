"""Audit trail: who read or changed which patient's clinical data, and when."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from api.common import clock
from api.db import Base, IdMixin, in_values
from api.vocabulary import AuditAction


class AuditEvent(IdMixin, Base):
    __tablename__ = "audit_events"
    __table_args__ = (CheckConstraint(in_values("action", AuditAction), name="action"),)

    at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patients.id"), index=True)
    resource: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[uuid.UUID | None]
    client_address: Mapped[str | None] = mapped_column(String(64))
