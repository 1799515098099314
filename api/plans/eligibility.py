"""Whether a plan may be made: its references loaded (422 when unknown or not visible), every
safety gate run at once (409 with all the conflicts), and the recommended number of sessions."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api.access import can_see_patient
from api.catalogue.models import Formulation, TreatmentArea
from api.clinics.models import Clinic, ClinicPrice
from api.common import clock
from api.errors import ConflictItem, FieldError, InvalidInput, RuleConflict
from api.patients.models import Intake, Patient
from api.practitioners.models import Practitioner
from api.safety import gates
from api.safety.allergies import allergy_conflicts
from api.users.models import User
from api.vocabulary import ConflictCode, Indication

OTHER_INDICATIONS_SESSIONS = 10
# Highest cellulite grade among the plan's areas → recommended number of sessions.
SESSIONS_BY_GRADE = {0: 6, 1: 6, 2: 12, 3: 20}

# The 409 codes of `run_gates`.
ELIGIBILITY_CODES = (
    gates.RECHECK_CODES
    | gates.LICENCE_CODES
    | {
        ConflictCode.NO_INTAKE,
        ConflictCode.NOT_INDICATED,
    }
)


def recommended_sessions(indication: str, grades: Iterable[int]) -> int:
    """Cellulite: 6 for grade 0–1 or no grade recorded, 12 for grade 2, 20 for grade 3 (the
    highest among the plan's areas); any other indication: 10."""
    if indication != Indication.CELLULITE:
        return OTHER_INDICATIONS_SESSIONS
    return SESSIONS_BY_GRADE[max(grades, default=0)]


def _invalid(errors: list[FieldError]) -> InvalidInput:
    exc = InvalidInput(errors[0].loc, "; ".join(e.msg for e in errors))
    exc.errors = errors
    return exc


@dataclass
class Terms:
    """Everything a plan refers to, loaded and checked for existence."""

    patient: Patient
    practitioner: Practitioner
    clinic: Clinic
    formulation: Formulation
    indication: str
    area_codes: list[str]
    area_prices: list[tuple[str, Decimal]]


def load_terms(
    db: Session,
    user: User,
    *,
    patient_id: uuid.UUID,
    practitioner_id: uuid.UUID,
    clinic_id: uuid.UUID,
    formulation_id: uuid.UUID,
    indication: str,
    area_codes: Sequence[str],
    check_patient: bool = True,
) -> Terms:
    """Load the referenced rows; unknown or invisible ids and unknown codes are 422."""
    errors: list[FieldError] = []
    patient = db.get(Patient, patient_id)
    if patient is None or (check_patient and not can_see_patient(user, patient)):
        errors.append(FieldError(loc=["body", "patient_id"], msg="Unknown patient."))
    practitioner = db.scalar(
        select(Practitioner)
        .where(Practitioner.id == practitioner_id)
        .options(selectinload(Practitioner.clinics))
    )
    if practitioner is None:
        errors.append(FieldError(loc=["body", "practitioner_id"], msg="Unknown practitioner."))
    clinic = db.get(Clinic, clinic_id)
    if clinic is None:
        errors.append(FieldError(loc=["body", "clinic_id"], msg="Unknown clinic."))
    formulation = db.scalar(
        select(Formulation)
        .where(Formulation.id == formulation_id)
        .options(selectinload(Formulation.indications), selectinload(Formulation.ingredients))
    )
    if formulation is None:
        errors.append(FieldError(loc=["body", "formulation_id"], msg="Unknown formulation."))
    known = set(db.scalars(select(TreatmentArea.code).where(TreatmentArea.code.in_(area_codes))))
    unknown = [c for c in area_codes if c not in known]
    if unknown:
        errors.append(
            FieldError(loc=["body", "area_codes"], msg=f"Unknown area code: {', '.join(unknown)}.")
        )
    prices: dict[str, Decimal] = {}
    if clinic is not None and not unknown:
        prices = dict(
            db.execute(
                select(ClinicPrice.area_code, ClinicPrice.price).where(
                    ClinicPrice.clinic_id == clinic.id, ClinicPrice.area_code.in_(area_codes)
                )
            )
            .tuples()
            .all()
        )
        unpriced = [c for c in area_codes if c not in prices]
        if unpriced:
            errors.append(
                FieldError(
                    loc=["body", "area_codes"],
                    msg=f"No price at this clinic for area: {', '.join(unpriced)}.",
                )
            )
    if errors:
        raise _invalid(errors)
    assert patient and practitioner and clinic and formulation
    return Terms(
        patient=patient,
        practitioner=practitioner,
        clinic=clinic,
        formulation=formulation,
        indication=indication,
        area_codes=list(area_codes),
        area_prices=[(c, Decimal(prices[c])) for c in area_codes],
    )


def run_gates(
    db: Session,
    terms: Terms,
    intake: Intake | None,
    override_reason: str | None,
    override_by_practitioner: bool,
    covered: Sequence[str] = (),
) -> None:
    """Run every safety gate and refuse once (409) with all the conflicts found; `covered` are
    the relative contraindications an override kept from before already accepted."""
    day = clock.clinic_today(terms.clinic.timezone)
    substances = [i.substance_code for i in terms.formulation.ingredients]
    conflicts: list[ConflictItem] = [
        *gates.age_conflicts(terms.patient.date_of_birth, day),
        *gates.intake_conflicts(intake),
        *allergy_conflicts(db, terms.patient.id, substances),
        *gates.contraindication_conflicts(
            db, intake, override_reason, override_by_practitioner, covered
        ),
        *gates.licence_and_qualification_conflicts(terms.practitioner, terms.clinic, day),
        *gates.indication_conflicts(
            terms.indication, [i.indication for i in terms.formulation.indications]
        ),
    ]
    if conflicts:
        raise RuleConflict(conflicts)


def grades_of(intake: Intake | None, area_codes: Sequence[str]) -> list[int]:
    """The cellulite grades the intake recorded for the plan's areas (others do not count)."""
    if intake is None:
        return []
    return [c.grade for c in intake.cellulite if c.area_code in area_codes]


def override_codes(intake: Intake | None) -> list[str]:
    """What an override accepted by the gates covers: every contraindication of the intake the
    gates ran against (an absolute one would have refused, so all of them are relative)."""
    return sorted(c.code for c in intake.contraindications) if intake is not None else []
