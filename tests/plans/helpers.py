"""The treatment-plan tests' world: a Paris clinic with prices, a qualified practitioner
working there, an adult patient with an intake, and one account per role."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.config import Settings
from api.patients.models import Patient
from api.practitioners.models import Practitioner
from api.users.models import User
from api.vocabulary import Role
from tests.constants import CELLULITE_DRAINING, EUR_PRICES
from tests.factories import (
    auth_headers,
    formulation_id,
    make_clinic,
    make_intake,
    make_patient,
    make_practitioner,
    make_user,
)

NOW = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 17:00 in Paris, 01:00 on 3 March in Tokyo
# The last day the world's practitioner is licensed.
LICENSED_THROUGH = date(2035, 12, 31)


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
    clinic = make_clinic(db, name="Paris Meso", prices=EUR_PRICES)
    practitioner = make_practitioner(db, [clinic], license_expires_on=LICENSED_THROUGH)
    patient = make_patient(db, clinic)
    make_intake(db, patient, cellulite={"thighs": 2})
    world = World(
        db=db,
        settings=settings,
        clinic=clinic,
        practitioner=practitioner,
        patient=patient,
        admin=make_user(db, role=Role.ADMIN),
        practitioner_user=make_user(
            db, role=Role.PRACTITIONER, clinics=[clinic], practitioner_id=practitioner.id
        ),
        receptionist=make_user(db, role=Role.RECEPTIONIST, clinics=[clinic]),
        patient_user=make_user(db, role=Role.PATIENT, patient_id=patient.id),
    )
    world.headers = {
        "admin": auth_headers(world.admin, settings),
        "practitioner": auth_headers(world.practitioner_user, settings),
        "receptionist": auth_headers(world.receptionist, settings),
        "patient": auth_headers(world.patient_user, settings),
    }
    return world
