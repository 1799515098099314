"""Rows for scheduling tests, put straight into the database: clinics, practitioners with
hours, patients, plans, sessions, time off and allergies."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.patients.models import Patient
from api.plans.models import PlanArea, TreatmentPlan
from api.practitioners.models import Practitioner, TimeOff, WorkingHours
from api.sessions.models import SESSION_LENGTH, TreatmentSession

# A formulation of the catalogue (migration 0003) that contains lidocaine.
CELLULITE_LIDOCAINE_ID = uuid.uuid5(
    uuid.NAMESPACE_URL, "meso-clinic:formulation:cellulite-with-lidocaine"
)

PARIS = "Europe/Paris"


def make_clinic(
    db: Session, timezone: str = PARIS, buffer_minutes: int = 0, **fields: Any
) -> Clinic:
    clinic = Clinic(
        name=fields.pop("name", f"Clinic {uuid.uuid4().hex[:6]}"),
        country=fields.pop("country", "FR"),
        city=fields.pop("city", "Paris"),
        address=fields.pop("address", "1 rue de la Paix"),
        timezone=timezone,
        currency=fields.pop("currency", "EUR"),
        latitude=fields.pop("latitude", 48.87),
        longitude=fields.pop("longitude", 2.33),
        buffer_minutes=buffer_minutes,
        **fields,
    )
    db.add(clinic)
    db.flush()
    return clinic


def make_practitioner(
    db: Session,
    clinics: list[Clinic],
    *,
    hours: list[tuple[int, int, int]] | None = None,
    expires_on: date = date(2099, 12, 31),
    qualifications: list[str] | None = None,
    active: bool = True,
) -> Practitioner:
    """`hours` = (weekday, start minute, end minute) at every clinic given; default: every day
    09:00–17:00."""
    practitioner = Practitioner(
        given_name="Ada",
        family_name="Lovelace",
        license_number=uuid.uuid4().hex[:10],
        license_authority="Ordre des médecins",
        license_expires_on=expires_on,
        qualifications=["mesotherapy"] if qualifications is None else qualifications,
        active=active,
        clinics=list(clinics),
    )
    db.add(practitioner)
    db.flush()
    for clinic in clinics:
        for weekday, start, end in hours or [(d, 9 * 60, 17 * 60) for d in range(7)]:
            db.add(
                WorkingHours(
                    practitioner_id=practitioner.id,
                    clinic_id=clinic.id,
                    weekday=weekday,
                    start_minute=start,
                    end_minute=end,
                )
            )
    db.flush()
    return practitioner


def make_patient(db: Session, home_clinic: Clinic) -> Patient:
    patient = Patient(
        given_name="Grace",
        family_name="Hopper",
        date_of_birth=date(1980, 1, 1),
        sex="female",
        home_clinic_id=home_clinic.id,
    )
    db.add(patient)
    db.flush()
    return patient


def make_plan(
    db: Session,
    patient: Patient,
    practitioner: Practitioner,
    clinic: Clinic,
    *,
    status: str = "active",
    sessions_planned: int = 10,
    areas: tuple[str, ...] = ("thighs", "buttocks"),
) -> TreatmentPlan:
    plan = TreatmentPlan(
        patient_id=patient.id,
        practitioner_id=practitioner.id,
        clinic_id=clinic.id,
        indication="cellulite",
        formulation_id=CELLULITE_LIDOCAINE_ID,
        cadence="weekly",
        sessions_planned=sessions_planned,
        status=status,
        currency="EUR",
        session_price=Decimal("375.00"),
        total=Decimal("375.00") * sessions_planned,
        areas=[
            PlanArea(area_code=code, position=i, price=Decimal("300.00"), rate=Decimal("1"))
            for i, code in enumerate(areas)
        ],
    )
    db.add(plan)
    db.flush()
    return plan


def make_session(
    db: Session, plan: TreatmentPlan, starts_at: datetime, *, status: str = "booked", **fields: Any
) -> TreatmentSession:
    clinic = db.get_one(Clinic, plan.clinic_id)
    session = TreatmentSession(
        plan_id=plan.id,
        patient_id=plan.patient_id,
        practitioner_id=fields.pop("practitioner_id", plan.practitioner_id),
        clinic_id=plan.clinic_id,
        starts_at=starts_at,
        ends_at=starts_at + SESSION_LENGTH,
        buffer_ends_at=starts_at + SESSION_LENGTH + timedelta(minutes=clinic.buffer_minutes),
        status=status,
        **fields,
    )
    db.add(session)
    db.flush()
    return session


def make_time_off(
    db: Session, practitioner: Practitioner, starts_at: datetime, ends_at: datetime
) -> TimeOff:
    off = TimeOff(practitioner_id=practitioner.id, starts_at=starts_at, ends_at=ends_at)
    db.add(off)
    db.flush()
    return off


PRACTITIONER_FLAWS = ("unqualified", "inactive", "elsewhere")


def make_flawed_practitioner(db: Session, clinic: Clinic, flaw: str) -> Practitioner:
    """A practitioner the gates refuse at `clinic` (`not_qualified`): not qualified in
    mesotherapy, not active, or working at another clinic only."""
    if flaw == "elsewhere":
        return make_practitioner(db, [make_clinic(db)])
    return make_practitioner(
        db,
        [clinic],
        qualifications=[] if flaw == "unqualified" else None,
        active=flaw != "inactive",
    )


@dataclass
class Setup:
    """A clinic with one bookable practitioner and one patient with an active plan."""

    clinic: Clinic
    practitioner: Practitioner
    patient: Patient
    plan: TreatmentPlan

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.clinic.timezone)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """A clinic-local wall time as an aware instant."""
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.zone)


def make_setup(db: Session, timezone: str = PARIS, buffer_minutes: int = 0, **plan: Any) -> Setup:
    clinic = make_clinic(db, timezone, buffer_minutes)
    practitioner = make_practitioner(db, [clinic])
    patient = make_patient(db, clinic)
    plan_row = make_plan(db, patient, practitioner, clinic, **plan)
    return Setup(clinic, practitioner, patient, plan_row)
