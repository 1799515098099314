"""Practitioner, weekly working hours and time-off schemas."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from api.common.patch import PatchSchema
from api.common.schemas import ReadSchema, Schema
from api.common.types import Bool, Instant, Integer, IsoDate, Text

START_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
END_PATTERN = r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"


def _qualifications(values: list[str]) -> list[str]:
    """Lower-case codes, each once, in the order given."""
    return list(dict.fromkeys(v.lower() for v in values))


GivenName = Annotated[str, Text(100)]
FamilyName = Annotated[str, Text(100)]
LicenseNumber = Annotated[str, Text(60)]
LicenseAuthority = Annotated[str, Text(120)]
Qualifications = Annotated[
    list[Annotated[str, Text(60)]],
    Field(
        max_length=30,
        examples=[["mesotherapy", "aesthetic_medicine"]],
        description="Stored lower case, each once (a repeat is dropped, not refused).",
    ),
    AfterValidator(_qualifications),
]
ClinicIds = Annotated[
    list[uuid.UUID], Field(max_length=100, description="A repeated id counts once.")
]


class PractitionerCreate(Schema):
    given_name: GivenName
    family_name: FamilyName
    license_number: LicenseNumber
    license_authority: LicenseAuthority
    license_expires_on: IsoDate = Field(description="The licence is valid through this day.")
    qualifications: Qualifications = Field(default_factory=list)
    clinic_ids: ClinicIds = Field(default_factory=list)
    active: Bool = True


class PractitionerUpdate(PatchSchema):
    given_name: GivenName | None = None
    family_name: FamilyName | None = None
    license_number: LicenseNumber | None = None
    license_authority: LicenseAuthority | None = None
    license_expires_on: IsoDate | None = None
    qualifications: Qualifications | None = None
    clinic_ids: ClinicIds | None = None
    active: Bool | None = None


class PractitionerRead(ReadSchema):
    id: uuid.UUID
    given_name: str
    family_name: str
    license_number: str
    license_authority: str
    license_expires_on: date
    qualifications: list[str]
    clinic_ids: list[uuid.UUID]
    active: bool
    created_at: datetime
    updated_at: datetime


class WorkingHoursIn(Schema):
    """One weekly interval in the clinic's local wall-clock time."""

    clinic_id: uuid.UUID
    weekday: Annotated[int, Integer(0, 6)] = Field(description="0 = Monday … 6 = Sunday.")
    start: str = Field(pattern=START_PATTERN, examples=["09:00"])
    end: str = Field(pattern=END_PATTERN, examples=["17:30"], description='"24:00" is midnight.')


class WorkingHoursOut(BaseModel):
    clinic_id: uuid.UUID
    weekday: int
    start: str
    end: str


class TimeOffCreate(Schema):
    starts_at: Instant
    ends_at: Instant = Field(description="After `starts_at`.")
    reason: Annotated[str, Text(300, required=False)] = ""


class TimeOffRead(ReadSchema):
    id: uuid.UUID
    practitioner_id: uuid.UUID
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_at: datetime


# A week has 7 days; 200 intervals is more than any practitioner's clinics could fill.
MAX_WORKING_HOURS = 200
WorkingHoursList = Annotated[list[WorkingHoursIn], Field(max_length=MAX_WORKING_HOURS)]
