from sqlalchemy import select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common.clock import clinic_today
from api.demo import DemoContext
from api.patients.demo import seed_patients
from api.patients.models import Allergy, Intake, Patient
from api.patients.service import age_on
from api.safety.allergies import allergy_conflicts
from tests.factories import make_clinic
from tests.helpers import count


def test_demo_patients_bring_their_own_clinics_when_none_were_seeded(db: Session) -> None:
    ctx = DemoContext()
    seed_patients(db, ctx)
    assert set(ctx.objects["clinics"]) == {"paris", "new_york", "singapore"}
    assert count(db, Clinic) == 3
    patients = ctx.objects["patients"]
    assert len(patients) == 12
    clinics = {c.id: c for c in ctx.objects["clinics"].values()}
    ages = {
        age_on(p.date_of_birth, clinic_today(clinics[p.home_clinic_id].timezone))
        for p in patients.values()
    }
    assert min(ages) < 18
    assert max(ages) > 60
    assert allergy_conflicts(db, patients["claire"].id, ["phosphatidylcholine"])
    assert allergy_conflicts(db, patients["emma"].id, ["lidocaine"])
    assert count(db, Intake) >= 9
    assert count(db, Allergy, allergen_class="soy") == 1
    assert count(db, Allergy, substance_code="lidocaine") == 1


def test_demo_patients_use_the_clinics_an_earlier_step_made(db: Session) -> None:
    clinics = {key: make_clinic(db, name=key) for key in ("paris", "new_york", "singapore")}
    ctx = DemoContext(objects={"clinics": clinics})
    seed_patients(db, ctx)
    assert count(db, Clinic) == 3
    homes = set(db.scalars(select(Patient.home_clinic_id)))
    assert homes == {c.id for c in clinics.values()}
