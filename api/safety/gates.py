"""The gates a treatment plan must pass, and the ones that run again at every later step.

Every gate returns the conflicts it finds (never raises), so a caller can collect them all and
refuse once with every reason. "Today" is always the clinic-local date.

What is recorded after a plan was made must stop what is still to come (DESIGN section 5):
`recheck_conflicts` runs the age, allergy and contraindication gates again for booking,
rescheduling, course scheduling and check-in, with the codes the plan's override covered.
"""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Exists, ScalarSelect, Select, exists, select
from sqlalchemy.orm import Session, aliased, object_session, selectinload

from api.catalogue.models import Contraindication, FormulationIngredient
from api.clinics.models import Clinic
from api.common import clock
from api.errors import ConflictItem
from api.patients.models import Allergy, Intake, IntakeContraindication, Patient
from api.patients.service import age_on
from api.practitioners.models import MESOTHERAPY, Practitioner, practitioner_clinics
from api.safety.allergies import allergy_conflicts
from api.vocabulary import AllergyStatus, ConflictCode, ContraindicationKind

ADULT_AGE = 18

# The 409 codes of the gates: what `licence_and_qualification_conflicts` and what
# `recheck_conflicts` (the age, allergy and contraindication gates run again) can answer.
LICENCE_CODES = frozenset({ConflictCode.NOT_QUALIFIED, ConflictCode.LICENCE})
RECHECK_CODES = frozenset(
    {ConflictCode.UNDER_AGE, ConflictCode.ALLERGY, ConflictCode.CONTRAINDICATION}
)


class PlanLike(Protocol):
    """What the gates run again need of a treatment plan (safety sits below plans)."""

    @property
    def patient_id(self) -> uuid.UUID: ...

    @property
    def formulation_id(self) -> uuid.UUID: ...

    @property
    def override_codes(self) -> list[str]: ...


def age_conflicts(date_of_birth: date, day: date) -> list[ConflictItem]:
    """A patient must be 18 or older on `day` (the clinic-local date)."""
    age = age_on(date_of_birth, day)
    if age >= ADULT_AGE:
        return []
    return [
        ConflictItem(
            code=ConflictCode.UNDER_AGE,
            detail=f"The patient is {age} on {day.isoformat()}; treatment needs 18 or older.",
        )
    ]


# The latest intake first: the greatest `measured_on`, ties broken by creation.
_LATEST_FIRST = (Intake.measured_on.desc(), Intake.created_at.desc(), Intake.id.desc())


def latest_intake(db: Session, patient_id: uuid.UUID) -> Intake | None:
    """The intake with the greatest `measured_on`, ties broken by creation; with its details."""
    return db.scalar(
        select(Intake)
        .where(Intake.patient_id == patient_id)
        .options(selectinload(Intake.cellulite), selectinload(Intake.contraindications))
        .order_by(*_LATEST_FIRST)
        .limit(1)
    )


def intake_conflicts(intake: Intake | None) -> list[ConflictItem]:
    """A plan needs an intake on record."""
    if intake is not None:
        return []
    return [
        ConflictItem(code=ConflictCode.NO_INTAKE, detail="The patient has no intake on record.")
    ]


@dataclass(frozen=True)
class ContraindicationEntry:
    code: str
    name: str
    kind: str


def contraindication_conflicts(
    db: Session,
    intake: Intake | None,
    override_reason: str | None,
    override_by_practitioner: bool,
    covered: Collection[str] = (),
) -> list[ConflictItem]:
    """Contraindications in the latest intake: an absolute one always refuses; a relative one
    refuses unless `covered` by an earlier override or an `override_reason` is given now from
    a practitioner's account."""
    if intake is None or not intake.contraindications:
        return []
    codes = [c.code for c in intake.contraindications]
    entries = _entries(db, _select_entries().where(Contraindication.code.in_(codes)))
    return _contraindication_items(entries, override_reason, override_by_practitioner, covered)


def _select_entries() -> Select[str, str, str]:
    return select(Contraindication.code, Contraindication.name, Contraindication.kind)


def _entries(db: Session, stmt: Select[str, str, str]) -> list[ContraindicationEntry]:
    return [ContraindicationEntry(*row) for row in db.execute(stmt)]


def _contraindication_items(
    entries: Sequence[ContraindicationEntry],
    override_reason: str | None,
    override_by_practitioner: bool,
    covered: Collection[str],
) -> list[ConflictItem]:
    conflicts = []
    for entry in sorted(entries, key=lambda e: e.code):
        if entry.kind == ContraindicationKind.ABSOLUTE:
            detail = f"Absolute contraindication in the latest intake: {entry.name}."
        elif entry.code in covered:
            continue
        elif override_reason is None:
            detail = (
                f"Relative contraindication in the latest intake: {entry.name}; "
                "a practitioner must give an override_reason."
                if not covered
                else f"Relative contraindication in the latest intake: {entry.name}, "
                "which the plan's override does not cover."
            )
        elif not override_by_practitioner:
            detail = (
                f"Relative contraindication in the latest intake: {entry.name}; "
                "only a practitioner's account may give an override_reason."
            )
        else:
            continue
        conflicts.append(
            ConflictItem(
                code=ConflictCode.CONTRAINDICATION, detail=detail, contraindication_code=entry.code
            )
        )
    return conflicts


def _works_at(practitioner: Practitioner, clinic_id: uuid.UUID) -> bool:
    if "clinics" not in practitioner.__dict__:
        # Not loaded (the relationship is lazy="raise"): ask the database directly.
        db = object_session(practitioner)
        if db is not None:
            found = db.scalar(
                select(practitioner_clinics.c.clinic_id).where(
                    practitioner_clinics.c.practitioner_id == practitioner.id,
                    practitioner_clinics.c.clinic_id == clinic_id,
                )
            )
            return found is not None
    return any(c.id == clinic_id for c in practitioner.clinics)


def licence_and_qualification_conflicts(
    practitioner: Practitioner,
    clinic: Clinic,
    day: date | None,
    works_there: bool | None = None,
) -> list[ConflictItem]:
    """The practitioner must be active, qualified in mesotherapy (`not_qualified`), licensed
    on `day` — valid through its expiry date (`licence`) — and work at `clinic`
    (`not_qualified`). Used at plan creation, course scheduling and booking; booking passes
    no `day` (the licence is checked per slot with its calendar) and `works_there` when it
    already read it with the practitioner."""
    conflicts = []
    if not practitioner.active:
        conflicts.append(
            ConflictItem(code=ConflictCode.NOT_QUALIFIED, detail="The practitioner is not active.")
        )
    if MESOTHERAPY not in practitioner.qualifications:
        conflicts.append(
            ConflictItem(
                code=ConflictCode.NOT_QUALIFIED,
                detail="The practitioner is not qualified in mesotherapy.",
            )
        )
    if day is not None and not practitioner.is_licensed_on(day):
        conflicts.append(
            ConflictItem(
                code=ConflictCode.LICENCE,
                detail=(
                    f"The practitioner's licence expired on "
                    f"{practitioner.license_expires_on.isoformat()} "
                    f"and is not valid on {day.isoformat()}."
                ),
            )
        )
    if not (_works_at(practitioner, clinic.id) if works_there is None else works_there):
        conflicts.append(
            ConflictItem(
                code=ConflictCode.NOT_QUALIFIED,
                detail=f"The practitioner does not work at the clinic {clinic.name}.",
            )
        )
    return conflicts


def indication_conflicts(
    indication: str, formulation_indications: Sequence[str]
) -> list[ConflictItem]:
    """The formulation must be meant for the plan's indication."""
    if indication in formulation_indications:
        return []
    meant = ", ".join(sorted(formulation_indications)) or "nothing"
    return [
        ConflictItem(
            code=ConflictCode.NOT_INDICATED,
            detail=f"The formulation is meant for {meant}, not {indication}.",
        )
    ]


def has_active_allergy(patient_id: Any) -> Exists:
    """Whether the patient (an id, or a column to correlate with) has any active allergy: the
    one condition under which the allergy check can find anything."""
    return exists().where(Allergy.patient_id == patient_id, Allergy.status == AllergyStatus.ACTIVE)


def plan_allergy_conflicts(
    db: Session, plan: PlanLike, any_active: bool | None = None
) -> list[ConflictItem]:
    """Allergy conflicts between the plan's formulation and the patient's active allergies as
    recorded now; booking, check-in and course scheduling run it again so a later allergy
    stops what is to come. A caller that has already read, in this transaction, whether the
    patient has any active allergy passes it as `any_active`."""
    if any_active is False:
        return []
    # Most patients have no active allergy: then no ingredient comes back and the check ends
    # here, in one statement (booking is a hot path).
    codes = db.scalars(
        select(FormulationIngredient.substance_code).where(
            FormulationIngredient.formulation_id == plan.formulation_id,
            has_active_allergy(plan.patient_id),
        )
    ).all()
    return allergy_conflicts(db, plan.patient_id, set(codes)) if codes else []


def _latest_intake_id(patient_id: Any) -> ScalarSelect[Any]:
    """The id of the patient's latest intake (as `latest_intake` orders them)."""
    return (
        select(Intake.id)
        .where(Intake.patient_id == patient_id)
        .order_by(*_LATEST_FIRST)
        .limit(1)
        .scalar_subquery()
    )


@dataclass(frozen=True)
class PatientFlags:
    """What decides whether the gates run again can find anything, read in one statement (or
    as columns of a caller's own statement, see `patient_flag_columns`)."""

    date_of_birth: date
    has_active_allergy: bool
    has_contraindication: bool


def patient_flag_columns(patient_id: Any) -> tuple[ColumnElement[Any], ...]:
    """The columns of `PatientFlags` for a patient id or a column to correlate with."""
    patient = aliased(Patient)
    return (
        select(patient.date_of_birth).where(patient.id == patient_id).scalar_subquery(),
        has_active_allergy(patient_id),
        exists().where(IntakeContraindication.intake_id == _latest_intake_id(patient_id)),
    )


def read_patient_flags(db: Session, patient_id: uuid.UUID) -> PatientFlags:
    dob, allergy, contraindication = db.execute(select(*patient_flag_columns(patient_id))).one()
    return PatientFlags(dob, bool(allergy), bool(contraindication))


def recheck_conflicts(
    db: Session, plan: PlanLike, clinic: Clinic, flags: PatientFlags | None = None
) -> list[ConflictItem]:
    """The age, allergy and contraindication gates again, as recorded now: the one check that
    booking, rescheduling, course scheduling and check-in run. A relative contraindication
    passes only if the plan's override covered it. One statement for a patient with no active
    allergy and no contraindication (none when the caller read `flags` with its own), a few
    more otherwise."""
    if flags is None:
        flags = read_patient_flags(db, plan.patient_id)
    items = age_conflicts(flags.date_of_birth, clock.clinic_today(clinic.timezone))
    if flags.has_active_allergy:
        items += plan_allergy_conflicts(db, plan, any_active=True)
    if flags.has_contraindication:
        latest = (
            _select_entries()
            .join(IntakeContraindication, IntakeContraindication.code == Contraindication.code)
            .where(IntakeContraindication.intake_id == _latest_intake_id(plan.patient_id))
        )
        items += _contraindication_items(_entries(db, latest), None, False, plan.override_codes)
    return items
