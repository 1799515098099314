"""allergy_conflicts: by substance, by allergen class, by free text; only active allergies."""

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from api.patients.models import Patient
from api.safety.allergies import allergy_conflicts
from tests.factories import make_allergy, make_clinic, make_patient
from tests.statements import counting

EVERYTHING = (
    "phosphatidylcholine",
    "sodium_deoxycholate",
    "caffeine",
    "aminophylline",
    "l_carnitine",
    "artichoke_extract",
    "centella_asiatica",
    "organic_silicon",
    "hyaluronic_acid",
    "vitamin_c",
    "biotin",
    "zinc",
    "lidocaine",
    "mepivacaine",
    "procaine",
    "benzocaine",
)


@pytest.fixture
def patient(db: Session) -> Patient:
    return make_patient(db, make_clinic(db))


def _hits(db: Session, patient: Patient, codes: Any = EVERYTHING) -> list[str]:
    return [c.substance_code for c in allergy_conflicts(db, patient.id, codes)]  # type: ignore[attr-defined]


def test_no_allergy_no_conflict(db: Session, patient: Patient) -> None:
    assert allergy_conflicts(db, patient.id, EVERYTHING) == []


def test_an_allergy_to_the_substance_itself(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, substance_code="caffeine")
    conflicts = allergy_conflicts(db, patient.id, ["l_carnitine", "caffeine"])
    assert len(conflicts) == 1
    conflict = conflicts[0].model_dump()
    assert conflict["code"] == "allergy"
    assert conflict["substance_code"] == "caffeine"
    assert "Caffeine" in conflict["detail"]


def test_a_class_allergy_covers_its_substances(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, allergen_class="soy")
    assert _hits(db, patient) == ["phosphatidylcholine"]


def test_an_amide_class_allergy_covers_lidocaine_and_mepivacaine(
    db: Session, patient: Patient
) -> None:
    make_allergy(db, patient, allergen_class="amide_local_anaesthetics")
    assert _hits(db, patient) == ["lidocaine", "mepivacaine"]


def test_an_allergy_to_one_amide_covers_the_others(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, substance_code="mepivacaine")
    assert _hits(db, patient, ["lidocaine", "procaine"]) == ["lidocaine"]


def test_ester_anaesthetics_do_not_cross_react_with_amides(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, substance_code="procaine")
    assert _hits(db, patient) == ["procaine", "benzocaine"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("soya lecithin", ["phosphatidylcholine"]),
        ("Soya lecithin", ["phosphatidylcholine"]),
        ("allergic to lignocaine", ["lidocaine", "mepivacaine"]),
        ("amide anaesthetics", ["lidocaine", "mepivacaine"]),
        ("Reaction to LIDOCAINE at the dentist", ["lidocaine", "mepivacaine"]),
        ("ragweed, hay fever", ["artichoke_extract"]),
        ("novocaine", ["procaine", "benzocaine"]),
        ("PABA sunscreen rash", ["procaine", "benzocaine"]),
        ("coffee? caffeine makes me itch", ["caffeine", "aminophylline"]),
        ("eggs", ["phosphatidylcholine"]),
        ("vitamin C", ["vitamin_c"]),
        ("l-carnitine", ["l_carnitine"]),
        ("l_carnitine", ["l_carnitine"]),
        ("sodium  deoxycholate", ["sodium_deoxycholate"]),
        ("Methylxanthines", ["caffeine", "aminophylline"]),
    ],
)
def test_free_text_naming_a_catalogue_substance_or_class(
    db: Session, patient: Patient, text: str, expected: list[str]
) -> None:
    make_allergy(db, patient, substance_text=text)
    assert _hits(db, patient) == expected


@pytest.mark.parametrize(
    "text",
    ["penicillin", "eggplant", "caffeinated drinks", "latex gloves", "nickel", "soybeanish"],
)
def test_free_text_that_names_nothing_in_the_catalogue_covers_nothing(
    db: Session, patient: Patient, text: str
) -> None:
    make_allergy(db, patient, substance_text=text)
    assert _hits(db, patient) == []


@pytest.mark.parametrize("status", ["inactive", "resolved"])
def test_inactive_and_resolved_allergies_are_ignored(
    db: Session, patient: Patient, status: str
) -> None:
    make_allergy(db, patient, substance_code="lidocaine", status=status)
    make_allergy(db, patient, allergen_class="soy", status=status)
    make_allergy(db, patient, substance_text="caffeine", status=status)
    assert _hits(db, patient) == []


def test_other_patients_allergies_do_not_count(db: Session, patient: Patient) -> None:
    other = make_patient(db, make_clinic(db))
    make_allergy(db, other, substance_code="lidocaine")
    assert _hits(db, patient) == []


def test_one_conflict_per_substance_in_the_order_asked(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, substance_code="lidocaine")
    make_allergy(db, patient, allergen_class="amide_local_anaesthetics")
    make_allergy(db, patient, substance_text="lignocaine")
    codes = ["mepivacaine", "caffeine", "lidocaine", "mepivacaine"]
    assert _hits(db, patient, codes) == ["mepivacaine", "lidocaine"]


def test_unknown_substance_codes_match_only_by_code(db: Session, patient: Patient) -> None:
    make_allergy(db, patient, allergen_class="soy")
    assert _hits(db, patient, ["not_in_catalogue"]) == []


@pytest.fixture
def statements(connection: Connection) -> Iterator[list[str]]:
    with counting(connection) as seen:
        yield seen


def test_costs_a_fixed_number_of_queries(
    db: Session, patient: Patient, statements: list[str]
) -> None:
    make_allergy(db, patient, substance_text="soya")
    db.flush()
    statements.clear()
    allergy_conflicts(db, patient.id, ["lidocaine"])
    few = len(statements)
    for i in range(10):
        make_allergy(db, patient, substance_text=f"amide anaesthetic {i}")
        make_allergy(db, patient, allergen_class="egg")
        make_allergy(db, patient, substance_code="caffeine")
    db.flush()
    statements.clear()
    assert len(_hits(db, patient)) > 3
    assert len(statements) == few <= 4
