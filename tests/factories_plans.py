"""Rows for the treatment-plan tests, put straight into the database: clinics with prices,
practitioners, patients, intakes, allergies, sessions, and a ready-made `World`."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import Formulation
from api.clinics.models import Clinic, ClinicPrice
from api.config import Settings
from api.patients.models import Allergy, Intake, IntakeCellulite, IntakeContraindication, Patient
from api.plans.models import TreatmentPlan
from api.practitioners.models import Practitioner
from api.sessions.models import SESSION_LENGTH, TreatmentSession
from api.users.models import Role, User
from tests.factories import auth_headers, make_user

# Formulations loaded by migration 0003 (by name, so the tests read like the catalogue).
CELLULITE_DRAINING = "Cellulite draining cocktail (caffeine, artichoke, L-carnitine)"
CELLULITE_LIDOCAINE = "Cellulite with lidocaine (aminophylline, melilotus, organic silicon)"
LIPOLYTIC_PC_DC = "Lipolytic PC/DC"
FACE_REVITALISING = "Face revitalising (HA + vitamins)"

EUR_PRICES = {"thighs": "300.00", "buttocks": "250.00", "abdomen": "275.00", "arms": "200.00"}


def formulation_id(db: Session, name: str) -> uuid.UUID:
    found = db.scalar(select(Formulation.id).where(Formulation.name == name))
    assert found is not None, name
    return found


def make_clinic(
    db: Session,
    *,
    name: str = "Paris Meso",
    timezone: str = "Europe/Paris",
    currency: str = "EUR",
    additional_area_rate: str = "0.50",
    prices: dict[str, str] | None = None,
) -> Clinic:
    clinic = Clinic(
        name=name,
        country="FR",
        city="Paris",
        address="1 rue de la Paix",
        timezone=timezone,
        currency=currency,
        latitude=48.87,
        longitude=2.33,
        additional_area_rate=Decimal(additional_area_rate),
        buffer_minutes=0,
    )
    db.add(clinic)
    db.flush()
    for code, price in (EUR_PRICES if prices is None else prices).items():
        db.add(ClinicPrice(clinic_id=clinic.id, area_code=code, price=Decimal(price)))
    db.flush()
    return clinic


def make_practitioner(
    db: Session,
    clinics: list[Clinic],
    *,
    qualifications: list[str] | None = None,
    license_expires_on: date = date(2035, 12, 31),
    active: bool = True,
) -> Practitioner:
    practitioner = Practitioner(
        given_name="Anne",
        family_name="Martin",
        license_number=uuid.uuid4().hex[:10],
        license_authority="Ordre des médecins",
        license_expires_on=license_expires_on,
        qualifications=["mesotherapy"] if qualifications is None else qualifications,
        active=active,
        clinics=clinics,
    )
    db.add(practitioner)
    db.flush()
    return practitioner


def make_patient(
    db: Session, home_clinic: Clinic, *, date_of_birth: date = date(1990, 5, 17)
) -> Patient:
    patient = Patient(
        given_name="Claire",
        family_name="Dubois",
        date_of_birth=date_of_birth,
        sex="female",
        email=f"claire-{uuid.uuid4().hex[:8]}@example.com",
        home_clinic_id=home_clinic.id,
    )
    db.add(patient)
    db.flush()
    return patient


def make_intake(
    db: Session,
    patient: Patient,
    *,
    measured_on: date = date(2026, 1, 10),
    cellulite: dict[str, int] | None = None,
    contraindications: list[str] | None = None,
) -> Intake:
    intake = Intake(
        patient_id=patient.id,
        measured_on=measured_on,
        weight_kg=Decimal("65.0"),
        height_cm=Decimal("168.0"),
        goals=["cellulite"],
        cellulite=[IntakeCellulite(area_code=a, grade=g) for a, g in (cellulite or {}).items()],
        contraindications=[IntakeContraindication(code=c) for c in contraindications or []],
    )
    db.add(intake)
    db.flush()
    return intake


def make_allergy(db: Session, patient: Patient, **fields: Any) -> Allergy:
    allergy = Allergy(patient_id=patient.id, **fields)
    db.add(allergy)
    db.flush()
    return allergy


def make_session(
    db: Session, plan: TreatmentPlan, starts_at: datetime, status: str = "booked"
) -> TreatmentSession:
    session = TreatmentSession(
        plan_id=plan.id,
        patient_id=plan.patient_id,
        practitioner_id=plan.practitioner_id,
        clinic_id=plan.clinic_id,
        starts_at=starts_at,
        ends_at=starts_at + SESSION_LENGTH,
        buffer_ends_at=starts_at + SESSION_LENGTH,
        status=status,
    )
    db.add(session)
    db.flush()
    return session


@dataclass
class World:
    """A Paris clinic with prices, a qualified practitioner working there, an adult patient
    with an intake, and one account per role (staff tied to the clinic)."""

    db: Session
    settings: Settings
    clinic: Clinic
    practitioner: Practitioner
    patient: Patient
    admin: User
    practitioner_user: User
    receptionist: User
    patient_user: User
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def as_(self, who: str | User) -> dict[str, str]:
        if isinstance(who, User):
            return auth_headers(who, self.settings)
        return self.headers[who]

    def body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "patient_id": str(self.patient.id),
            "practitioner_id": str(self.practitioner.id),
            "clinic_id": str(self.clinic.id),
            "indication": "cellulite",
            "area_codes": ["thighs"],
            "formulation_id": str(formulation_id(self.db, CELLULITE_DRAINING)),
            "cadence": "weekly",
        }
        body.update(overrides)
        return body


def make_world(db: Session, settings: Settings) -> World:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, [clinic])
    patient = make_patient(db, clinic)
    make_intake(db, patient, cellulite={"thighs": 2})
    world = World(
        db=db,
        settings=settings,
        clinic=clinic,
        practitioner=practitioner,
        patient=patient,
        admin=make_user(db, Role.ADMIN),
        practitioner_user=make_user(
            db, Role.PRACTITIONER, clinics=[clinic], practitioner_id=practitioner.id
        ),
        receptionist=make_user(db, Role.RECEPTIONIST, clinics=[clinic]),
        patient_user=make_user(db, Role.PATIENT, patient_id=patient.id),
    )
    world.headers = {
        "admin": auth_headers(world.admin, settings),
        "practitioner": auth_headers(world.practitioner_user, settings),
        "receptionist": auth_headers(world.receptionist, settings),
        "patient": auth_headers(world.patient_user, settings),
    }
    return world
