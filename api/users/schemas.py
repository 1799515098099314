"""Account schemas: the password goes in, never out."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints

from api.common.schemas import ReadSchema, Schema
from api.common.types import NO_NUL, Bool
from api.vocabulary import Role

# Kept exactly as sent (spaces included): never stripped.
Password = Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=NO_NUL)]


class UserCreate(Schema):
    email: EmailStr
    password: Password
    role: Role
    clinic_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    practitioner_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    active: Bool = True


class UserUpdate(Schema):
    password: Password | None = None
    clinic_ids: list[uuid.UUID] | None = Field(default=None, max_length=100)
    practitioner_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    active: Bool | None = None


class UserRead(ReadSchema):
    id: uuid.UUID
    email: str
    role: Role
    active: bool
    clinic_ids: list[uuid.UUID]
    practitioner_id: uuid.UUID | None
    patient_id: uuid.UUID | None
    created_at: datetime
