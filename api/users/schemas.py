"""Account schemas: the password goes in, never out."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints
from pydantic.config import JsonDict, JsonValue

from api.common.schemas import ReadSchema, Schema
from api.common.types import NO_NUL, Bool, Email
from api.users.models import STAFF_ROLES
from api.vocabulary import Role

# Kept exactly as sent (spaces included): never stripped.
Password = Annotated[str, StringConstraints(min_length=8, max_length=200, pattern=NO_NUL)]


def _only_for(roles: tuple[Role, ...], field: str, empty: JsonDict) -> JsonDict:
    """JSON Schema: `field` is `empty` unless the account's role is one of `roles`."""
    others: list[JsonValue] = [r.value for r in Role if r not in roles]
    return {
        "if": {"properties": {"role": {"enum": others}}, "required": ["role"]},
        "then": {"properties": {field: empty}},
    }


class UserCreate(Schema):
    """`clinic_ids` only for staff (receptionists and practitioners), `practitioner_id` only
    for a practitioner's account, `patient_id` only for a patient's (`allOf` of `if`/`then`
    in the document)."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                _only_for(STAFF_ROLES, "clinic_ids", {"maxItems": 0}),
                _only_for((Role.PRACTITIONER,), "practitioner_id", {"type": "null"}),
                _only_for((Role.PATIENT,), "patient_id", {"type": "null"}),
            ]
        }
    )

    email: Email
    password: Password
    role: Role
    clinic_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)
    practitioner_id: uuid.UUID | None = None
    patient_id: uuid.UUID | None = None
    active: Bool = True


class UserUpdate(Schema):
    """The account's role decides the links, as on creation: `clinic_ids` only for staff,
    `practitioner_id` only for a practitioner's account, `patient_id` only for a patient's
    (422 otherwise)."""

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
