"""Patient, allergy and intake schemas."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

import phonenumbers
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints, model_validator

from api.common.patch import PatchSchema
from api.common.schemas import ReadSchema, Schema
from api.common.types import Bool, Code, DecimalIn, Email, Integer, IsoDate, Text, UniqueItems
from api.vocabulary import AllergyStatus, Indication, Severity, Sex

PersonName = Annotated[str, Text(100)]
ShortText = Annotated[str, Text(300)]


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


# E.164 (`+33612345678`), single spaces between digits allowed (`+33 6 12 34 56 78`): 7 to 15
# digits. Whether the number exists in its country's plan is beyond a pattern (libphonenumber).
PHONE_PATTERN = r"^\+[1-9](?: ?[0-9]){6,14}$"
Phone = Annotated[
    str,
    StringConstraints(pattern=PHONE_PATTERN),
    AfterValidator(e164),
    Field(
        description="An international number in E.164 form (`+33612345678`; single spaces "
        "between digits are accepted), which must exist in its country's numbering plan "
        "(libphonenumber); stored and returned in E.164 form.",
        examples=["+33612345678"],
    ),
]


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


class PatientUpdate(PatchSchema):
    """Only the fields sent change; `email` and `phone` may be cleared with null."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset({"email", "phone"})

    given_name: PersonName | None = None
    family_name: PersonName | None = None
    date_of_birth: IsoDate | None = None
    sex: Sex | None = None
    email: Email | None = None
    phone: Phone | None = None
    home_clinic_id: uuid.UUID | None = None
    active: Bool | None = None


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
_EXACTLY_ONE = "exactly one of substance_code, allergen_class or substance_text (not null)"


def _named_allergen(field: str) -> dict[str, Any]:
    """The JSON Schema of a body that names its allergen by `field`: that one a string, the
    other two absent or null."""
    return {
        "required": [field],
        "properties": {
            f: {"type": "string"} if f == field else {"type": "null"} for f in ALLERGEN_FIELDS
        },
    }


# Not one of the three sent (an update that leaves the allergen alone).
_NO_ALLERGEN: dict[str, Any] = {"not": {"anyOf": [{"required": [f]} for f in ALLERGEN_FIELDS]}}


def _exactly_one_allergen(model: Schema) -> None:
    named = [f for f in ALLERGEN_FIELDS if getattr(model, f) is not None]
    if len(named) != 1:
        raise ValueError(f"name {_EXACTLY_ONE}")


class AllergyCreate(Schema):
    """What the allergy is to: exactly one of `substance_code`, `allergen_class` or
    `substance_text` (`oneOf` in the document)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [_named_allergen(f) for f in ALLERGEN_FIELDS]}
    )

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


class AllergyUpdate(PatchSchema):
    """Changing what the allergy is to means sending exactly one of the three allergen fields
    (the other two are cleared); the rest change independently (`reaction` and `noted_on` are
    cleared with null)."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [_NO_ALLERGEN, *(_named_allergen(f) for f in ALLERGEN_FIELDS)]}
    )
    nullable_fields: ClassVar[frozenset[str]] = frozenset(
        {*ALLERGEN_FIELDS, "reaction", "noted_on"}
    )

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
    grade: Annotated[int, Integer(0, 3)] = Field(description="Nürnberger–Müller grade, 0–3.")


class CelluliteGradeRead(ReadSchema):
    area_code: str
    grade: int


# 30–300 and 100–250 with any digits after the point, as decimal strings.
WEIGHT_PATTERN = r"^(?:(?:[3-9][0-9]|[12][0-9]{2})(?:\.[0-9]+)?|300(?:\.0+)?)$"
HEIGHT_PATTERN = r"^(?:(?:1[0-9]{2}|2[0-4][0-9])(?:\.[0-9]+)?|250(?:\.0+)?)$"
WeightKg = Annotated[
    Decimal,
    DecimalIn(
        pattern=WEIGHT_PATTERN,
        minimum=Decimal(30),
        maximum=Decimal(300),
        rule="from 30 to 300",
        example="62.5",
    ),
]
HeightCm = Annotated[
    Decimal,
    DecimalIn(
        pattern=HEIGHT_PATTERN,
        minimum=Decimal(100),
        maximum=Decimal(250),
        rule="from 100 to 250",
        example="168",
    ),
]


class IntakeCreate(Schema):
    measured_on: IsoDate
    weight_kg: WeightKg = Field(description="30–300 kg, kept to 0.1 kg (rounded half-up).")
    height_cm: HeightCm = Field(description="100–250 cm, kept to 0.1 cm (rounded half-up).")
    cellulite: list[CelluliteGrade] = Field(
        default_factory=list, max_length=50, description="Each area graded at most once."
    )
    goals: Annotated[list[Indication], UniqueItems()] = Field(default_factory=list, max_length=4)
    contraindications: Annotated[list[Code], UniqueItems()] = Field(
        default_factory=list, max_length=50
    )
    notes: Annotated[str, Text(5000, required=False)] = ""

    @model_validator(mode="after")
    def _no_repeats(self) -> "IntakeCreate":
        areas = [c.area_code for c in self.cellulite]
        if len(set(areas)) != len(areas):
            raise ValueError("each area may be graded once")
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
