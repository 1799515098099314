"""Practitioners (with their hours and time off) and patients (with their allergies and
intakes)."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.patients.models import Allergy, Intake, IntakeCellulite, IntakeContraindication, Patient
from api.practitioners.models import Practitioner, TimeOff, WorkingHours
from tests.factories.sequence import sequence


def make_practitioner(
    db: Session,
    clinics: Sequence[Clinic] = (),
    *,
    given_name: str = "Claire",
    family_name: str = "Martin",
    license_number: str | None = None,
    license_authority: str = "Ordre des médecins",
    license_expires_on: date = date(2099, 12, 31),
    qualifications: Sequence[str] = ("mesotherapy",),
    active: bool = True,
    hours: Iterable[tuple[int, int, int]] = (),
) -> Practitioner:
    """A practitioner qualified in mesotherapy, working at `clinics`; `hours` are (weekday,
    start minute, end minute) rows added at every one of them (none unless given)."""
    practitioner = Practitioner(
        given_name=given_name,
        family_name=family_name,
        license_number=f"RPPS-{sequence():08d}" if license_number is None else license_number,
        license_authority=license_authority,
        license_expires_on=license_expires_on,
        qualifications=list(qualifications),
        active=active,
        clinics=list(clinics),
    )
    db.add(practitioner)
    db.flush()
    rows = list(hours)
    for clinic in clinics:
        for weekday, start, end in rows:
            make_working_hours(
                db, practitioner, clinic, weekday=weekday, start_minute=start, end_minute=end
            )
    return practitioner


def make_working_hours(
    db: Session,
    practitioner: Practitioner,
    clinic: Clinic,
    *,
    weekday: int = 0,
    start_minute: int = 9 * 60,
    end_minute: int = 17 * 60,
) -> WorkingHours:
    row = WorkingHours(
        practitioner_id=practitioner.id,
        clinic_id=clinic.id,
        weekday=weekday,
        start_minute=start_minute,
        end_minute=end_minute,
    )
    db.add(row)
    db.flush()
    return row


def make_time_off(
    db: Session,
    practitioner: Practitioner,
    *,
    starts_at: datetime = datetime(2030, 8, 1, tzinfo=UTC),
    ends_at: datetime | None = None,
    reason: str = "",
) -> TimeOff:
    """Time off from `starts_at` to `ends_at` (a day later unless given)."""
    off = TimeOff(
        practitioner_id=practitioner.id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=1) if ends_at is None else ends_at,
        reason=reason,
    )
    db.add(off)
    db.flush()
    return off


def make_patient(
    db: Session,
    home_clinic: Clinic,
    *,
    given_name: str | None = None,
    family_name: str | None = None,
    date_of_birth: date = date(1990, 5, 17),
    sex: str = "female",
    email: str | None = None,
    phone: str | None = None,
) -> Patient:
    """An adult patient of `home_clinic`, with unique names and email unless given."""
    n = sequence()
    patient = Patient(
        given_name=f"Given{n}" if given_name is None else given_name,
        family_name=f"Family{n}" if family_name is None else family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        email=f"patient{n}@example.com" if email is None else email,
        phone=phone,
        home_clinic_id=home_clinic.id,
    )
    db.add(patient)
    db.flush()
    return patient


def make_allergy(
    db: Session,
    patient: Patient,
    *,
    substance_code: str | None = None,
    allergen_class: str | None = None,
    substance_text: str | None = None,
    reaction: str | None = None,
    severity: str = "moderate",
    status: str = "active",
    noted_on: date | None = None,
) -> Allergy:
    """An allergy of `patient`: give one of `substance_code`, `allergen_class` or
    `substance_text`."""
    allergy = Allergy(
        patient_id=patient.id,
        substance_code=substance_code,
        allergen_class=allergen_class,
        substance_text=substance_text,
        reaction=reaction,
        severity=severity,
        status=status,
        noted_on=noted_on,
    )
    db.add(allergy)
    db.flush()
    return allergy


def make_intake(
    db: Session,
    patient: Patient,
    *,
    measured_on: date = date(2026, 1, 10),
    weight_kg: str = "65.0",
    height_cm: str = "170.0",
    goals: Sequence[str] = ("cellulite",),
    cellulite: Mapping[str, int] | None = None,
    contraindications: Sequence[str] = (),
    notes: str = "",
) -> Intake:
    """An intake of `patient`; `cellulite` is {area code: grade}."""
    intake = Intake(
        patient_id=patient.id,
        measured_on=measured_on,
        weight_kg=Decimal(weight_kg),
        height_cm=Decimal(height_cm),
        goals=list(goals),
        notes=notes,
        cellulite=[IntakeCellulite(area_code=a, grade=g) for a, g in (cellulite or {}).items()],
        contraindications=[IntakeContraindication(code=c) for c in contraindications],
    )
    db.add(intake)
    db.flush()
    return intake
