"""Every model of every domain, imported so that `Base.metadata` knows all tables (Alembic)."""

from api.audit.models import AuditEvent
from api.catalogue.models import (
    AllergenClass,
    Contraindication,
    Formulation,
    FormulationIndication,
    FormulationIngredient,
    Substance,
    TreatmentArea,
)
from api.clinics.models import Clinic, ClinicPrice
from api.db import Base
from api.idempotency.models import IdempotencyRecord
from api.patients.models import Allergy, Intake, IntakeCellulite, IntakeContraindication, Patient
from api.plans.models import PlanArea, TreatmentPlan
from api.practitioners.models import Practitioner, TimeOff, WorkingHours
from api.sessions.models import FollowUp, TreatmentSession
from api.users.models import LoginFailure, User

__all__ = [
    "AllergenClass",
    "Allergy",
    "AuditEvent",
    "Base",
    "Clinic",
    "ClinicPrice",
    "Contraindication",
    "FollowUp",
    "Formulation",
    "FormulationIndication",
    "FormulationIngredient",
    "IdempotencyRecord",
    "Intake",
    "IntakeCellulite",
    "IntakeContraindication",
    "LoginFailure",
    "Patient",
    "PlanArea",
    "Practitioner",
    "Substance",
    "TimeOff",
    "TreatmentArea",
    "TreatmentPlan",
    "TreatmentSession",
    "User",
    "WorkingHours",
]
