"""Each safety gate refuses a plan with 409 and its conflict code; all failing gates are
reported together and nothing is written."""

import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.plans.models import TreatmentPlan
from api.practitioners.models import Practitioner
from api.safety.gates import licence_and_qualification_conflicts, plan_allergy_conflicts
from tests.constants import CELLULITE_LIDOCAINE, EUR_PRICES, FACE_REVITALISING, LIPOLYTIC_PC_DC
from tests.factories import (
    formulation_id,
    make_allergy,
    make_clinic,
    make_intake,
    make_patient,
    make_practitioner,
)
from tests.plans.helpers import World

PLANS = "/api/v1/treatment-plans"


def _refused(client: TestClient, world: World, who: str = "practitioner", **body: Any) -> Any:
    response = client.post(PLANS, json=world.body(**body), headers=world.as_(who))
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return response.json()["conflicts"]


def _codes(conflicts: list[dict[str, Any]]) -> list[str]:
    return [c["code"] for c in conflicts]


def _no_plans(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(TreatmentPlan))


def test_a_patient_under_18_is_refused(client: TestClient, world: World, db: Session) -> None:
    minor = make_patient(db, world.clinic, date_of_birth=date(2009, 3, 3))
    make_intake(db, minor)
    conflicts = _refused(client, world, patient_id=str(minor.id))
    assert _codes(conflicts) == ["under_age"]
    assert "16" in conflicts[0]["detail"]
    assert _no_plans(db)


def test_age_is_counted_on_the_clinic_local_date(
    client: TestClient, world: World, db: Session
) -> None:
    # Now is 2026-03-02 16:00 UTC: already 3 March in Tokyo, still 2 March in Honolulu.
    born = date(2008, 3, 3)
    tokyo = make_clinic(db, name="Tokyo", timezone="Asia/Tokyo", prices=EUR_PRICES)
    honolulu = make_clinic(db, name="Honolulu", timezone="Pacific/Honolulu", prices=EUR_PRICES)
    practitioner = make_practitioner(db, [tokyo, honolulu])
    patient = make_patient(db, tokyo, date_of_birth=born)
    make_intake(db, patient)
    common = {"patient_id": str(patient.id), "practitioner_id": str(practitioner.id)}
    in_honolulu = client.post(
        PLANS, json=world.body(clinic_id=str(honolulu.id), **common), headers=world.as_("admin")
    )
    assert in_honolulu.status_code == 409
    assert _codes(in_honolulu.json()["conflicts"]) == ["under_age"]
    in_tokyo = client.post(
        PLANS, json=world.body(clinic_id=str(tokyo.id), **common), headers=world.as_("admin")
    )
    assert in_tokyo.status_code == 201, in_tokyo.text


def test_no_intake_on_record_is_refused(client: TestClient, world: World, db: Session) -> None:
    patient = make_patient(db, world.clinic)
    conflicts = _refused(client, world, patient_id=str(patient.id))
    assert _codes(conflicts) == ["no_intake"]


def test_a_direct_allergy_names_the_substance(
    client: TestClient, world: World, db: Session
) -> None:
    make_allergy(db, world.patient, substance_code="caffeine")
    conflicts = _refused(client, world)
    assert conflicts == [
        {"code": "allergy", "detail": conflicts[0]["detail"], "substance_code": "caffeine"}
    ]


def test_an_allergen_class_covers_its_substances(
    client: TestClient, world: World, db: Session
) -> None:
    # Soy covers soy-derived phosphatidylcholine; bile acids cover deoxycholate.
    make_allergy(db, world.patient, allergen_class="soy")
    make_allergy(db, world.patient, allergen_class="bile_acids")
    conflicts = _refused(client, world, formulation_id=str(formulation_id(db, LIPOLYTIC_PC_DC)))
    assert sorted((c["code"], c["substance_code"]) for c in conflicts) == [
        ("allergy", "phosphatidylcholine"),
        ("allergy", "sodium_deoxycholate"),
    ]


def test_an_amide_anaesthetic_allergy_covers_lidocaine(
    client: TestClient, world: World, db: Session
) -> None:
    make_allergy(db, world.patient, allergen_class="amide_local_anaesthetics")
    conflicts = _refused(client, world, formulation_id=str(formulation_id(db, CELLULITE_LIDOCAINE)))
    assert [(c["code"], c["substance_code"]) for c in conflicts] == [("allergy", "lidocaine")]


def test_an_inactive_or_resolved_allergy_does_not_refuse(
    client: TestClient, world: World, db: Session
) -> None:
    make_allergy(db, world.patient, substance_code="caffeine", status="resolved")
    make_allergy(db, world.patient, allergen_class="methylxanthines", status="inactive")
    response = client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    assert response.status_code == 201, response.text


def test_an_absolute_contraindication_is_refused_even_with_an_override(
    client: TestClient, world: World, db: Session
) -> None:
    make_intake(db, world.patient, measured_on=date(2026, 2, 1), contraindications=["pregnancy"])
    conflicts = _refused(client, world, override_reason="Patient insists")
    assert [(c["code"], c["contraindication_code"]) for c in conflicts] == [
        ("contraindication", "pregnancy")
    ]


def test_only_the_latest_intake_counts_for_contraindications(
    client: TestClient, world: World, db: Session
) -> None:
    make_intake(db, world.patient, measured_on=date(2025, 6, 1), contraindications=["pregnancy"])
    response = client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    assert response.status_code == 201, response.text


def test_a_relative_contraindication_needs_an_override_reason(
    client: TestClient, world: World, db: Session
) -> None:
    make_intake(db, world.patient, measured_on=date(2026, 2, 1), contraindications=["diabetes"])
    conflicts = _refused(client, world)
    assert [(c["code"], c["contraindication_code"]) for c in conflicts] == [
        ("contraindication", "diabetes")
    ]
    accepted = client.post(
        PLANS,
        json=world.body(override_reason="Well controlled, HbA1c 6.1%"),
        headers=world.as_("practitioner"),
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["override_reason"] == "Well controlled, HbA1c 6.1%"


def test_an_override_covers_the_relative_contraindications_it_was_given_for(
    client: TestClient, world: World, db: Session
) -> None:
    """A kept override covers what the latest intake had when it was given: a relative
    contraindication recorded later needs an override of its own (DESIGN section 5)."""
    make_intake(db, world.patient, measured_on=date(2026, 2, 1), contraindications=["diabetes"])
    doctor = world.as_("practitioner")
    created = client.post(PLANS, json=world.body(override_reason="HbA1c 6.1%"), headers=doctor)
    assert created.status_code == 201, created.text
    plan_id = created.json()["id"]
    assert db.get_one(TreatmentPlan, uuid.UUID(plan_id)).override_codes == ["diabetes"]
    make_intake(
        db, world.patient, measured_on=date(2026, 2, 20), contraindications=["diabetes", "epilepsy"]
    )
    kept = client.patch(f"{PLANS}/{plan_id}", json={"sessions_planned": 8}, headers=doctor)
    assert kept.status_code == 409, kept.text
    assert [c["contraindication_code"] for c in kept.json()["conflicts"]] == ["epilepsy"]
    renewed = client.patch(
        f"{PLANS}/{plan_id}",
        json={"sessions_planned": 8, "override_reason": "Seizure-free for 10 years"},
        headers=doctor,
    )
    assert renewed.status_code == 200, renewed.text
    db.expire_all()
    assert db.get_one(TreatmentPlan, uuid.UUID(plan_id)).override_codes == ["diabetes", "epilepsy"]


def test_an_admins_override_reason_is_refused(
    client: TestClient, world: World, db: Session
) -> None:
    make_intake(db, world.patient, measured_on=date(2026, 2, 1), contraindications=["diabetes"])
    conflicts = _refused(client, world, "admin", override_reason="Admin says so")
    assert _codes(conflicts) == ["contraindication"]
    assert "practitioner" in conflicts[0]["detail"]
    assert _no_plans(db)


def test_a_practitioner_without_mesotherapy_is_not_qualified(
    client: TestClient, world: World, db: Session
) -> None:
    other = make_practitioner(db, [world.clinic], qualifications=["dermatology"])
    conflicts = _refused(client, world, practitioner_id=str(other.id))
    assert _codes(conflicts) == ["not_qualified"]
    assert "mesotherapy" in conflicts[0]["detail"]


def test_an_inactive_practitioner_is_not_qualified(
    client: TestClient, world: World, db: Session
) -> None:
    other = make_practitioner(db, [world.clinic], active=False)
    assert _codes(_refused(client, world, practitioner_id=str(other.id))) == ["not_qualified"]


def test_a_licence_is_valid_through_its_expiry_day_only(
    client: TestClient, world: World, db: Session
) -> None:
    # Clinic-local today is 2026-03-02 in Paris.
    expired = make_practitioner(db, [world.clinic], license_expires_on=date(2026, 3, 1))
    conflicts = _refused(client, world, practitioner_id=str(expired.id))
    assert _codes(conflicts) == ["licence"]
    last_day = make_practitioner(db, [world.clinic], license_expires_on=date(2026, 3, 2))
    response = client.post(
        PLANS,
        json=world.body(practitioner_id=str(last_day.id)),
        headers=world.as_("practitioner"),
    )
    assert response.status_code == 201, response.text


def test_a_practitioner_not_working_at_the_clinic_is_refused(
    client: TestClient, world: World, db: Session
) -> None:
    elsewhere = make_practitioner(db, [make_clinic(db, name="Lyon", prices=EUR_PRICES)])
    conflicts = _refused(client, world, practitioner_id=str(elsewhere.id))
    assert _codes(conflicts) == ["not_qualified"]
    assert "does not work at the clinic" in conflicts[0]["detail"]


def test_a_formulation_not_meant_for_the_indication_is_refused(
    client: TestClient, world: World, db: Session
) -> None:
    conflicts = _refused(client, world, formulation_id=str(formulation_id(db, FACE_REVITALISING)))
    assert _codes(conflicts) == ["not_indicated"]


def test_every_failing_gate_is_reported_in_one_answer(
    client: TestClient, world: World, db: Session
) -> None:
    minor = make_patient(db, world.clinic, date_of_birth=date(2012, 1, 1))
    make_allergy(db, minor, substance_code="hyaluronic_acid")
    unqualified = make_practitioner(db, [], qualifications=[], license_expires_on=date(2020, 1, 1))
    conflicts = _refused(
        client,
        world,
        patient_id=str(minor.id),
        practitioner_id=str(unqualified.id),
        formulation_id=str(formulation_id(db, FACE_REVITALISING)),
    )
    assert sorted(_codes(conflicts)) == [
        "allergy",
        "licence",
        "no_intake",
        "not_indicated",
        "not_qualified",
        "not_qualified",
        "under_age",
    ]
    assert _no_plans(db)


def test_an_allergy_recorded_after_the_plan_is_found_by_the_recheck(
    client: TestClient, world: World, db: Session
) -> None:
    created = client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    assert created.status_code == 201
    plan = db.get(TreatmentPlan, uuid.UUID(created.json()["id"]))
    assert plan is not None
    assert plan_allergy_conflicts(db, plan) == []
    make_allergy(db, world.patient, allergen_class="asteraceae")
    conflicts = plan_allergy_conflicts(db, plan)
    assert [(c.code, c.model_extra) for c in conflicts] == [
        ("allergy", {"substance_code": "artichoke_extract"})
    ]


def test_licence_and_qualification_check_for_booking(world: World, db: Session) -> None:
    lyon = make_clinic(db, name="Lyon", prices=EUR_PRICES)
    db.expire_all()  # the practitioner's clinics are not loaded: the check asks the database
    practitioner = db.get(Practitioner, world.practitioner.id)
    clinic = db.get(Clinic, world.clinic.id)
    other = db.get(Clinic, lyon.id)
    assert practitioner
    assert clinic
    assert other
    assert licence_and_qualification_conflicts(practitioner, clinic, date(2035, 12, 31)) == []
    assert [
        c.code for c in licence_and_qualification_conflicts(practitioner, other, date(2036, 1, 1))
    ] == ["licence", "not_qualified"]
