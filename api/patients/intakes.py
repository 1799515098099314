"""Intakes: append-only measurements and history (a correction is a new intake)."""

import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from api.catalogue.models import Contraindication, TreatmentArea
from api.catalogue.service import unknown_codes
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound
from api.patients.models import Intake, IntakeCellulite, IntakeContraindication, Patient
from api.patients.schemas import CelluliteGradeRead, IntakeCreate, IntakeRead

TENTH = Decimal("0.1")


def intake_out(intake: Intake) -> IntakeRead:
    return IntakeRead(
        id=intake.id,
        patient_id=intake.patient_id,
        measured_on=intake.measured_on,
        weight_kg=float(intake.weight_kg),
        height_cm=float(intake.height_cm),
        bmi=float(intake.bmi),
        cellulite=[
            CelluliteGradeRead(area_code=c.area_code, grade=c.grade) for c in intake.cellulite
        ],
        goals=list(intake.goals),
        contraindications=[c.code for c in intake.contraindications],
        notes=intake.notes,
        created_at=intake.created_at,
    )


def create_intake(db: Session, patient: Patient, data: IntakeCreate) -> Intake:
    """Append an intake. Area and contraindication codes must be in the catalogue, and the
    measurement date between the patient's birth and today (clinic-local)."""
    if data.measured_on > clock.clinic_today(patient.home_clinic.timezone):
        raise InvalidInput(["body", "measured_on"], "The date is in the future.")
    if data.measured_on < patient.date_of_birth:
        raise InvalidInput(["body", "measured_on"], "The date is before the date of birth.")
    areas = unknown_codes(db, TreatmentArea.code, [c.area_code for c in data.cellulite])
    if areas:
        raise InvalidInput(["body", "cellulite"], f"Unknown treatment area: {areas[0]}.")
    codes = unknown_codes(db, Contraindication.code, data.contraindications)
    if codes:
        raise InvalidInput(["body", "contraindications"], f"Unknown contraindication: {codes[0]}.")
    intake = Intake(
        patient_id=patient.id,
        measured_on=data.measured_on,
        weight_kg=data.weight_kg.quantize(TENTH, rounding=ROUND_HALF_UP),
        height_cm=data.height_cm.quantize(TENTH, rounding=ROUND_HALF_UP),
        goals=list(data.goals),
        notes=data.notes,
        cellulite=[
            IntakeCellulite(area_code=c.area_code, grade=c.grade)
            for c in sorted(data.cellulite, key=lambda c: c.area_code)
        ],
        contraindications=[
            IntakeContraindication(code=code) for code in sorted(data.contraindications)
        ],
    )
    db.add(intake)
    db.flush()
    return intake


def _intakes(patient_id: uuid.UUID) -> Select[Intake]:
    return (
        select(Intake)
        .options(selectinload(Intake.cellulite), selectinload(Intake.contraindications))
        .where(Intake.patient_id == patient_id)
    )


NEWEST_FIRST = [
    SortKey(Intake.measured_on, descending=True),
    SortKey(Intake.created_at, descending=True),
    SortKey(Intake.id, descending=True),
]


def list_intakes(
    db: Session, patient_id: uuid.UUID, params: PageParams
) -> tuple[list[Intake], str | None]:
    """The patient's intakes, newest measurement first."""
    return paginate(db, _intakes(patient_id), NEWEST_FIRST, params)


def latest_intake(db: Session, patient_id: uuid.UUID) -> Intake | None:
    """The intake with the greatest `measured_on`; of equal dates, the one created last."""
    order = [k.column.desc() for k in NEWEST_FIRST]
    return db.scalars(_intakes(patient_id).order_by(*order).limit(1)).first()


def get_intake(db: Session, patient_id: uuid.UUID, intake_id: uuid.UUID) -> Intake:
    intake = db.scalar(_intakes(patient_id).where(Intake.id == intake_id))
    if intake is None:
        raise NotFound("Intake")
    return intake
