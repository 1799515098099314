"""The demo data of clinics and practitioners, as `python -m api seed-demo` loads it."""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.catalogue.models import TreatmentArea
from api.clinics.demo import seed_clinics
from api.clinics.models import Clinic, ClinicPrice
from api.common.money import fits_currency
from api.demo import DemoContext
from api.practitioners.demo import seed_practitioners
from api.practitioners.models import Practitioner, WorkingHours
from api.users.models import User
from api.vocabulary import Role
from tests.factories import make_user


def seed(db: Session) -> DemoContext:
    # The accounts as the users step makes them (without hashing four passwords).
    ctx = DemoContext()
    for role in Role:
        email = f"{role.value}@demo.example.com"
        make_user(db, role=role, email=email)
        ctx.logins.append((role.value, email, "secret"))
    seed_clinics(db, ctx)
    seed_practitioners(db, ctx)
    return ctx


def test_demo_clinics_practitioners_and_staff_links(db: Session) -> None:
    ctx = seed(db)
    clinics = ctx.objects["clinics"]
    assert {"paris", "new_york", "singapore"} <= set(clinics)
    assert {c.timezone for c in clinics.values()} >= {
        "Europe/Paris",
        "America/New_York",
        "Asia/Singapore",
    }
    assert len({c.country for c in clinics.values()}) >= 3

    area_count = db.scalar(select(func.count()).select_from(TreatmentArea))
    for clinic in db.scalars(select(Clinic)):
        prices = list(db.scalars(select(ClinicPrice).where(ClinicPrice.clinic_id == clinic.id)))
        assert len(prices) == area_count
        for price in prices:
            assert Decimal(300) <= price.price <= Decimal(450)
            assert fits_currency(price.price.normalize(), clinic.currency)

    practitioners = ctx.objects["practitioners"]
    assert practitioners
    assert any(len(p.clinics) >= 2 for p in practitioners)
    for practitioner in practitioners:
        assert practitioner.is_qualified
        assert practitioner.active
        hours = db.scalars(
            select(WorkingHours).where(WorkingHours.practitioner_id == practitioner.id)
        ).all()
        assert hours
        assert {h.clinic_id for h in hours} <= {c.id for c in practitioner.clinics}

    account = db.scalar(select(User).where(User.email == "practitioner@demo.example.com"))
    assert account is not None
    linked = db.get(Practitioner, account.practitioner_id)
    assert linked is practitioners[0]
    assert clinics["paris"].id in account.clinic_ids
    receptionist = db.scalar(select(User).where(User.email == "receptionist@demo.example.com"))
    assert receptionist is not None
    assert receptionist.clinic_ids == [clinics["paris"].id]
