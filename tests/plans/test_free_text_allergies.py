"""Free-text allergies written as clinicians write them refuse a plan with 409 `allergy`:
plurals, hyphens for spaces, accents, the clinic's language (a Paris clinic: French) and
synonyms (INN, BAN, trade names, vitamin numbers); whole words only (DESIGN section 5)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.plans.models import TreatmentPlan
from tests.constants import (
    CELLULITE_DRAINING,
    CELLULITE_LIDOCAINE,
    FACE_REVITALISING,
    LIPOLYTIC_PC_DC,
)
from tests.factories import formulation_id, make_allergy
from tests.plans.helpers import World

PLANS = "/api/v1/treatment-plans"
CELLULITE_PROCAINE = "Cellulite microcirculation (pentoxifylline, ginkgo, centella) with procaine"
# Which formulation (and indication) holds the substance a case is about.
HOLDING = {
    "lidocaine": (CELLULITE_LIDOCAINE, "cellulite"),
    "phosphatidylcholine": (LIPOLYTIC_PC_DC, "local_fat"),
    "procaine": (CELLULITE_PROCAINE, "cellulite"),
    "artichoke_extract": (CELLULITE_DRAINING, "cellulite"),
    "caffeine": (CELLULITE_DRAINING, "cellulite"),
    "vitamin_c": (FACE_REVITALISING, "skin_rejuvenation"),
    "vitamin_b_complex": (FACE_REVITALISING, "skin_rejuvenation"),
    "hyaluronic_acid": (FACE_REVITALISING, "skin_rejuvenation"),
    "zinc": (FACE_REVITALISING, "skin_rejuvenation"),
    "sodium_deoxycholate": (LIPOLYTIC_PC_DC, "local_fat"),
}


def _plan(client: TestClient, world: World, substance: str) -> Any:
    formulation, indication = HOLDING[substance]
    body = world.body(
        formulation_id=str(formulation_id(world.db, formulation)),
        indication=indication,
        area_codes=["arms"],
    )
    return client.post(PLANS, json=body, headers=world.as_("practitioner"))


def _assert_refused_for(client: TestClient, world: World, db: Session, substance: str) -> None:
    response = _plan(client, world, substance)
    assert response.status_code == 409, response.text
    conflicts = response.json()["conflicts"]
    assert ("allergy", substance) in [(c["code"], c.get("substance_code")) for c in conflicts]
    assert not db.scalar(select(func.count()).select_from(TreatmentPlan))


def _case(client: TestClient, world: World, db: Session, text: str, substance: str) -> None:
    make_allergy(db, world.patient, substance_text=text)
    _assert_refused_for(client, world, db, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("lidocaines", "lidocaine"),
        ("Lignocaines", "lidocaine"),
        ("Lecithins", "phosphatidylcholine"),
        ("phosphatidylcholines", "phosphatidylcholine"),
        ("procaines", "procaine"),
        ("Artichokes", "artichoke_extract"),
        ("Amide-type local anesthetics", "lidocaine"),
        ("reacts to amide local anaesthetics", "lidocaine"),
        ("Eggs and soybeans", "phosphatidylcholine"),
    ],
)
def test_plurals_refuse(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    _case(client, world, db, text, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("Vitamin-C", "vitamin_c"),
        ("Hyaluronic-acid fillers", "hyaluronic_acid"),
        ("L_carnitine? no: lido-caine", "lidocaine"),
        ("sodium-deoxycholate (Kybella)", "sodium_deoxycholate"),
        ("soy.lecithin", "phosphatidylcholine"),
        ("hyaluronicacid", "hyaluronic_acid"),
    ],
)
def test_hyphens_and_punctuation_refuse(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    _case(client, world, db, text, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("lidocaïne", "lidocaine"),
        ("LIDOCAÏNE", "lidocaine"),
        ("Lidocáine", "lidocaine"),
        ("caffeïne", "caffeine"),
        ("Artichôke", "artichoke_extract"),
    ],
)
def test_accents_refuse(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    _case(client, world, db, text, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("lidocaïne", "lidocaine"),
        ("soja", "phosphatidylcholine"),
        ("caféine", "caffeine"),
        ("artichaut", "artichoke_extract"),
        ("Allergie aux anesthésiques locaux de type amide", "lidocaine"),
        ("œufs", "phosphatidylcholine"),
        ("acide ascorbique", "vitamin_c"),
        ("Novocaïne chez le dentiste", "procaine"),
    ],
)
def test_the_paris_clinics_french_refuses(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    assert world.clinic.country == "FR"
    assert world.clinic.timezone == "Europe/Paris"
    _case(client, world, db, text, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("Lidocain", "lidocaine"),  # German
        ("Koffein", "caffeine"),
        ("Artischocken", "artichoke_extract"),
        ("lidocaína", "lidocaine"),  # Spanish
        ("alcachofas", "artichoke_extract"),
        ("soia", "phosphatidylcholine"),  # Italian
        ("carciofi", "artichoke_extract"),
        ("anestetici locali di tipo amidico", "lidocaine"),
    ],
)
def test_the_other_catalogue_languages_refuse(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    _case(client, world, db, text, substance)


@pytest.mark.parametrize(
    ("text", "substance"),
    [
        ("Xylocaine", "lidocaine"),
        ("Xylocaïne spray", "lidocaine"),
        ("EMLA cream", "lidocaine"),
        ("Novocain", "procaine"),
        ("vitamin C", "vitamin_c"),
        ("ascorbic acid", "vitamin_c"),
        ("E300", "vitamin_c"),
        ("vitamin B3", "vitamin_b_complex"),
        ("niacinamide", "vitamin_b_complex"),
        ("folic acid", "vitamin_b_complex"),
        ("Juvederm", "hyaluronic_acid"),
        ("zinc oxide", "zinc"),
        ("marcaine (bupivacaine)", "lidocaine"),
        ("dandelion", "artichoke_extract"),
        ("theine", "caffeine"),
        ("PC/DC", "sodium_deoxycholate"),
    ],
)
def test_synonyms_refuse(
    client: TestClient, world: World, db: Session, text: str, substance: str
) -> None:
    _case(client, world, db, text, substance)


@pytest.mark.parametrize("text", ["eggplant", "caffeinated drinks", "silicone implants", "nickel"])
def test_other_words_do_not_refuse(
    client: TestClient, world: World, db: Session, text: str
) -> None:
    make_allergy(db, world.patient, substance_text=text)
    for substance in ("lidocaine", "caffeine", "phosphatidylcholine", "vitamin_c"):
        response = _plan(client, world, substance)
        assert response.status_code == 201, (text, substance, response.text)
