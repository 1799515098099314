"""Every closed vocabulary of the API, each written once, as a `StrEnum`.

This is the one home of a word list: models build their CHECK constraints from these enums
(`api.db.in_values`), schemas annotate their fields and query parameters with them, and
services compare with their members. The values are the JSON wire values and the stored text;
their order is the order of the OpenAPI `enum` lists and of the CHECK constraints, so a
member is added at the end, with a migration for the constraint. A `StrEnum` member is a
`str`, so it compares equal to the text read from the database and serialises as that text.

Nothing here imports from the rest of `api`: every floor may use it.
"""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    RECEPTIONIST = "receptionist"
    PRACTITIONER = "practitioner"
    PATIENT = "patient"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """How severe an allergic reaction is."""

    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class AllergyStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    RESOLVED = "resolved"


class SizeClass(StrEnum):
    """The size of a treatment area."""

    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class Indication(StrEnum):
    """What a treatment is for: a plan's indication, an intake's goals, a formulation's uses."""

    CELLULITE = "cellulite"
    LOCAL_FAT = "local_fat"
    SKIN_REJUVENATION = "skin_rejuvenation"
    FACE_LIFTING = "face_lifting"


class ContraindicationKind(StrEnum):
    ABSOLUTE = "absolute"
    RELATIVE = "relative"


class Cadence(StrEnum):
    """How often a plan's sessions follow each other (`weekly`: 7 days, `twice_monthly`: 14)."""

    WEEKLY = "weekly"
    TWICE_MONTHLY = "twice_monthly"


class PlanStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class SessionStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class Bruising(StrEnum):
    """Bruising a patient reports in a follow-up."""

    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class AuditAction(StrEnum):
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class ConflictCode(StrEnum):
    """The stable `code` of each item of a 409's `conflicts` (DESIGN.md, section 3)."""

    SLOT_TAKEN = "slot_taken"
    PATIENT_BUSY = "patient_busy"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    TIME_OFF = "time_off"
    BUFFER = "buffer"
    LICENCE = "licence"
    NOT_QUALIFIED = "not_qualified"
    SPACING = "spacing"
    PLAN_FULL = "plan_full"
    PLAN_NOT_BOOKABLE = "plan_not_bookable"
    UNDER_AGE = "under_age"
    NO_INTAKE = "no_intake"
    ALLERGY = "allergy"
    CONTRAINDICATION = "contraindication"
    CONSENT_REQUIRED = "consent_required"
    NOT_INDICATED = "not_indicated"
    INVALID_TRANSITION = "invalid_transition"
    UNPLACEABLE = "unplaceable"
    # The records' own refusals.
    ALREADY_EXISTS = "already_exists"
    ACCOUNT_EXISTS = "account_exists"
    LICENSE_EXISTS = "license_exists"
    IN_USE = "in_use"
    PRICES_IN_CURRENCY = "prices_in_currency"
    # A database constraint refused a change that the services' checks let through.
    CONFLICT = "conflict"
