"""Patient, allergy and intake schemas."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import phonenumbers
from pydantic import AfterValidator, EmailStr, Field, StringConstraints, model_validator

from api.catalogue.schemas import NO_NUL, Code
from api.common.schemas import ReadSchema, Schema
from api.common.types import Bool, IsoDate
from api.vocabulary import AllergyStatus, Indication, Severity, Sex

PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NO_NUL)
]


def e164(value: str) -> str:
    """A valid international number, returned in E.164 form (`+33123456789`)."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        raise ValueError("must be an international phone number in E.164 form") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("is not a valid phone number")
    formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return formatted


Phone = Annotated[str, StringConstraints(max_length=40), AfterValidator(e164)]
Email = EmailStr


def _no_null(model: Schema, fields: tuple[str, ...]) -> None:
    for name in fields:
        if name in model.model_fields_set and getattr(model, name) is None:
            raise ValueError(f"{name} may not be null")


# --- patients --------------------------------------------------------------------------------


class PatientCreate(Schema):
    given_name: PersonName
    family_name: PersonName
    date_of_birth: IsoDate
    sex: Sex = Sex.UNKNOWN
    email: Email | None = None
    phone: Phone | None = None
    home_clinic_id: uuid.UUID
    active: Bool = True


class PatientUpdate(Schema):
    """Only the fields sent change; `email` and `phone` may be cleared with null."""

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    email: Email | None = None
    phone: Phone | None = None
    home_clinic_id: uuid.UUID | None = None
    active: Bool | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> "PatientUpdate":
        _no_null(
            self,
            ("given_name", "family_name", "date_of_birth", "sex", "home_clinic_id", "active"),
        )
        return self


class PatientRead(ReadSchema):
    id: uuid.UUID
    given_name: str
    family_name: str
    date_of_birth: date
    age: int
    sex: Sex
    email: str | None
    phone: str | None
    home_clinic_id: uuid.UUID
    active: bool
    created_at: datetime
    updated_at: datetime


# --- allergies -------------------------------------------------------------------------------

ALLERGEN_FIELDS = ("substance_code", "allergen_class", "substance_text")


def _exactly_one_allergen(model: Schema) -> None:
    named = [f for f in ALLERGEN_FIELDS if getattr(model, f) is not None]
    if len(named) != 1:
        raise ValueError("name exactly one of substance_code, allergen_class or substance_text")


class AllergyCreate(Schema):
    substance_code: Code | None = None
    allergen_class: Code | None = None
    substance_text: ShortText | None = None
    reaction: ShortText | None = None
    severity: Severity = Severity.MODERATE
    status: AllergyStatus = AllergyStatus.ACTIVE
    noted_on: IsoDate | None = None

    @model_validator(mode="after")
    def _one_allergen(self) -> "AllergyCreate":
        _exactly_one_allergen(self)
        return self


class AllergyUpdate(Schema):
    """Changing what the allergy is to means sending exactly one of the three allergen fields
    (the other two are cleared); the rest change independently."""

    substance_code: Code | None = None
    allergen_class: Code | None = None
    substance_text: ShortText | None = None
    reaction: ShortText | None = None
    severity: Severity | None = None
    status: AllergyStatus | None = None
    noted_on: IsoDate | None = None

    @property
    def changes_allergen(self) -> bool:
        return bool(self.model_fields_set & set(ALLERGEN_FIELDS))

    @model_validator(mode="after")
    def _consistent(self) -> "AllergyUpdate":
        _no_null(self, ("severity", "status"))
        if self.changes_allergen:
            _exactly_one_allergen(self)
        return self


class AllergyRead(ReadSchema):
    id: uuid.UUID
    patient_id: uuid.UUID
    substance_code: str | None
    allergen_class: str | None
    substance_text: str | None
    reaction: str | None
    severity: Severity
    status: AllergyStatus
    noted_on: date | None
    created_at: datetime
    updated_at: datetime


# --- intakes ---------------------------------------------------------------------------------


class CelluliteGrade(Schema):
    area_code: Code
    grade: int = Field(ge=0, le=3, description="Nürnberger–Müller grade, 0–3.")


class CelluliteGradeRead(ReadSchema):
    area_code: str
    grade: int


class IntakeCreate(Schema):
    measured_on: IsoDate
    weight_kg: Decimal = Field(ge=30, le=300, description="30–300 kg, kept to 0.1 kg.")
    height_cm: Decimal = Field(ge=100, le=250, description="100–250 cm, kept to 0.1 cm.")
    cellulite: list[CelluliteGrade] = Field(default_factory=list, max_length=50)
    goals: list[Indication] = Field(default_factory=list, max_length=4)
    contraindications: list[Code] = Field(default_factory=list, max_length=50)
    notes: str = Field(default="", max_length=5000, pattern=NO_NUL)

    @model_validator(mode="after")
    def _no_repeats(self) -> "IntakeCreate":
        areas = [c.area_code for c in self.cellulite]
        if len(set(areas)) != len(areas):
            raise ValueError("each area may be graded once")
        if len(set(self.goals)) != len(self.goals):
            raise ValueError("goals must be unique")
        if len(set(self.contraindications)) != len(self.contraindications):
            raise ValueError("contraindications must be unique")
        return self


class IntakeRead(ReadSchema):
    id: uuid.UUID
    patient_id: uuid.UUID
    measured_on: date
    weight_kg: float
    height_cm: float
    bmi: float = Field(description="Body-mass index, kg/m², one decimal.")
    cellulite: list[CelluliteGradeRead]
    goals: list[Indication]
    contraindications: list[str]
    notes: str
    created_at: datetime
