"""The patient tests' world: a clinic with one user of each role, another clinic, and a
patient at each."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.config import Settings
from api.patients.models import Patient
from api.users.models import User
from api.vocabulary import Role
from tests.factories import auth_headers, make_clinic, make_patient, make_user


@dataclass
class World:
    clinic: Clinic
    other_clinic: Clinic
    patient: Patient
    other_patient: Patient
    admin: User
    receptionist: User
    practitioner: User
    patient_user: User
    settings: Settings

    def headers(self, user: User) -> dict[str, str]:
        return auth_headers(user, self.settings)

    @property
    def as_admin(self) -> dict[str, str]:
        return self.headers(self.admin)

    @property
    def as_receptionist(self) -> dict[str, str]:
        return self.headers(self.receptionist)

    @property
    def as_practitioner(self) -> dict[str, str]:
        return self.headers(self.practitioner)

    @property
    def as_patient(self) -> dict[str, str]:
        return self.headers(self.patient_user)


def make_world(db: Session, settings: Settings) -> World:
    clinic = make_clinic(db)
    other = make_clinic(db, name="Elsewhere", timezone="Asia/Singapore", currency="SGD")
    patient = make_patient(db, clinic)
    other_patient = make_patient(db, other)
    return World(
        clinic=clinic,
        other_clinic=other,
        patient=patient,
        other_patient=other_patient,
        admin=make_user(db, role=Role.ADMIN),
        receptionist=make_user(db, role=Role.RECEPTIONIST, clinics=[clinic]),
        practitioner=make_user(db, role=Role.PRACTITIONER, clinics=[clinic]),
        patient_user=make_user(db, role=Role.PATIENT, patient_id=patient.id),
        settings=settings,
    )
