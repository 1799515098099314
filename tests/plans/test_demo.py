"""The plans demo step: a plan in every status, among them the Paris 12-session weekly course."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.demo import DemoContext
from api.plans.demo import seed_plans
from api.plans.models import TreatmentPlan
from api.vocabulary import Role
from tests.factories import make_clinic, make_intake, make_patient, make_practitioner, make_user


def test_demo_plans_cover_every_status(db: Session) -> None:
    make_user(db, role=Role.ADMIN)
    paris = make_clinic(
        db, prices={"thighs": "300.00", "buttocks": "250.00", "abdomen": "275.00", "face": "220"}
    )
    lyon = make_clinic(db, name="Lyon", prices={"abdomen": "260.00", "flanks": "200.00"})
    practitioners = [make_practitioner(db, [paris, lyon])]
    patients = [make_patient(db, paris), make_patient(db, lyon)]
    for patient in patients:
        make_intake(db, patient, measured_on=date(2025, 1, 1), cellulite={"thighs": 2})
    ctx = DemoContext(
        objects={
            "clinics": {"paris": paris, "lyon": lyon},
            "practitioners": practitioners,
            "patients": patients,
        }
    )
    seed_plans(db, ctx)
    plans = ctx.objects["plans"]
    assert {p.status for p in plans.values()} == {"proposed", "active", "completed", "cancelled"}
    paris_course = plans["paris_weekly"]
    assert (paris_course.clinic_id, paris_course.status) == (paris.id, "active")
    assert (paris_course.cadence, paris_course.sessions_planned) == ("weekly", 12)


def test_demo_plans_are_skipped_without_records(db: Session) -> None:
    make_user(db, role=Role.ADMIN)
    before = db.scalar(select(func.count()).select_from(TreatmentPlan))
    seed_plans(db, DemoContext())
    assert db.scalar(select(func.count()).select_from(TreatmentPlan)) == before
