from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from api.catalogue.models import (
    AllergenClass,
    Contraindication,
    Formulation,
    Substance,
    TreatmentArea,
)
from api.config import Settings
from api.db import make_engine
from api.vocabulary import Role
from tests.databases import DatabaseFactory, migrate
from tests.factories import auth_headers, make_user
from tests.helpers import count


def _headers(db: Session, settings: Settings, role: Role = Role.RECEPTIONIST) -> dict[str, str]:
    user = make_user(db, role=role)
    db.commit()
    return auth_headers(user, settings)


def _all(client: TestClient, path: str, headers: dict[str, str], **params: Any) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        query = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, headers=headers, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_catalogue_is_present_after_upgrade_on_an_empty_database(
    databases: DatabaseFactory,
) -> None:
    with databases.fresh(migrated=False) as url:
        migrate(url)
        engine = make_engine(url)
        try:
            with engine.connect() as c:
                counts = {
                    table: c.scalar(text(f"SELECT count(*) FROM {table}"))
                    for table in (
                        "treatment_areas",
                        "substances",
                        "allergen_classes",
                        "substance_allergen_classes",
                        "formulations",
                        "formulation_ingredients",
                        "contraindications",
                    )
                }
                lidocaine_formulations = c.scalar(
                    text(
                        "SELECT count(*) FROM formulation_ingredients"
                        " WHERE substance_code = 'lidocaine'"
                    )
                )
                indications = set(
                    c.scalars(text("SELECT DISTINCT indication FROM formulation_indications"))
                )
        finally:
            engine.dispose()
    assert counts["treatment_areas"] == 10
    assert all(n and n > 0 for n in counts.values()), counts
    assert lidocaine_formulations
    assert lidocaine_formulations >= 1
    assert indications == {"cellulite", "local_fat", "skin_rejuvenation", "face_lifting"}


def test_the_catalogue_needs_a_login(client: TestClient) -> None:
    for path in ("/treatment-areas", "/substances", "/formulations", "/contraindications"):
        assert client.get(f"/api/v1{path}").status_code == 401


def test_treatment_areas_list_every_area_with_its_size_class(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings)
    areas = _all(client, "/api/v1/treatment-areas", headers)
    assert len(areas) == 10
    assert {"code": "chin", "name": "Chin (submental area)", "size_class": "small"} in areas
    large = _all(client, "/api/v1/treatment-areas", headers, size_class="large")
    assert {a["code"] for a in large} == {"abdomen", "buttocks", "thighs", "legs"}
    assert client.get("/api/v1/treatment-areas?size_class=huge", headers=headers).status_code == 422


def test_substances_show_their_allergen_classes(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings, Role.PATIENT)
    substances = {s["code"]: s for s in _all(client, "/api/v1/substances", headers)}
    assert set(substances["phosphatidylcholine"]["allergen_classes"]) >= {"soy"}
    assert substances["lidocaine"]["allergen_classes"] == ["amide_local_anaesthetics"]
    assert "methylxanthines" in substances["caffeine"]["allergen_classes"]
    assert "asteraceae" in substances["artichoke_extract"]["allergen_classes"]
    amides = _all(client, "/api/v1/substances", headers, allergen_class="amide_local_anaesthetics")
    assert {s["code"] for s in amides} == {"lidocaine", "mepivacaine"}
    one = client.get("/api/v1/substances/procaine", headers=headers)
    assert one.status_code == 200
    assert set(one.json()["allergen_classes"]) == {"ester_local_anaesthetics", "paba"}
    assert client.get("/api/v1/substances/unobtainium", headers=headers).status_code == 404


def test_formulations_have_indications_and_ingredients(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings)
    formulations = _all(client, "/api/v1/formulations", headers)
    assert len(formulations) == db.scalar(select(func.count()).select_from(Formulation))
    first = formulations[0]
    assert set(first) == {"id", "name", "indications", "ingredients"}
    assert set(first["ingredients"][0]) == {"substance_code", "concentration"}
    with_lidocaine = _all(client, "/api/v1/formulations", headers, substance_code="lidocaine")
    assert with_lidocaine
    for f in with_lidocaine:
        assert "lidocaine" in {i["substance_code"] for i in f["ingredients"]}
    for indication in ("cellulite", "local_fat", "skin_rejuvenation", "face_lifting"):
        found = _all(client, "/api/v1/formulations", headers, indication=indication)
        assert found
        assert all(indication in f["indications"] for f in found)
    one = client.get(f"/api/v1/formulations/{first['id']}", headers=headers)
    assert one.json() == first
    assert client.get("/api/v1/formulations?indication=tattoo", headers=headers).status_code == 422


def test_contraindications_are_absolute_or_relative(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings)
    absolute = {
        c["code"] for c in _all(client, "/api/v1/contraindications", headers, kind="absolute")
    }
    relative = {
        c["code"] for c in _all(client, "/api/v1/contraindications", headers, kind="relative")
    }
    assert {"pregnancy", "breastfeeding", "active_infection_at_site", "active_cancer"} <= absolute
    assert {
        "anticoagulant_therapy",
        "diabetes",
        "autoimmune_disease",
        "bleeding_disorder",
    } <= relative
    assert not absolute & relative


def test_admins_add_catalogue_items(client: TestClient, db: Session, settings: Settings) -> None:
    headers = _headers(db, settings, Role.ADMIN)
    area = {"code": "knees", "name": "Knees", "size_class": "small"}
    assert client.post("/api/v1/treatment-areas", json=area, headers=headers).status_code == 201
    klass = {"code": "peanut", "name": "Peanut", "aliases": ["Groundnut"], "source": "Test source"}
    created = client.post("/api/v1/allergen-classes", json=klass, headers=headers)
    assert created.status_code == 201
    assert created.json()["aliases"] == ["groundnut"]
    substance = {
        "code": "arachis_oil",
        "name": "Arachis oil",
        "allergen_classes": ["peanut"],
        "source": "Test source",
    }
    response = client.post("/api/v1/substances", json=substance, headers=headers)
    assert response.status_code == 201
    assert response.json()["allergen_classes"] == ["peanut"]
    formulation = {
        "name": "Knee contour",
        "indications": ["local_fat"],
        "ingredients": [{"substance_code": "sodium_deoxycholate", "concentration": "10 mg/mL"}],
    }
    response = client.post("/api/v1/formulations", json=formulation, headers=headers)
    assert response.status_code == 201
    assert response.json()["ingredients"] == formulation["ingredients"]
    contraindication = {
        "code": "porphyria",
        "name": "Porphyria",
        "kind": "absolute",
        "source": "Test source",
    }
    response = client.post("/api/v1/contraindications", json=contraindication, headers=headers)
    assert response.status_code == 201
    db.expire_all()
    assert db.get(TreatmentArea, "knees") is not None
    assert db.get(Substance, "arachis_oil") is not None
    assert db.get(Contraindication, "porphyria") is not None


def test_only_admins_add_catalogue_items(
    client: TestClient, db: Session, settings: Settings
) -> None:
    before = count(db, TreatmentArea)
    for role in (Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT):
        headers = _headers(db, settings, role)
        area = {"code": "knees", "name": "Knees", "size_class": "small"}
        assert client.post("/api/v1/treatment-areas", json=area, headers=headers).status_code == 403
    assert count(db, TreatmentArea) == before


def test_bad_catalogue_items_are_refused_and_nothing_is_written(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings, Role.ADMIN)
    before = {m: count(db, m) for m in (TreatmentArea, Substance, Formulation, AllergenClass)}
    cases: list[tuple[str, dict[str, Any], int]] = [
        ("/treatment-areas", {"code": "abdomen", "name": "Again", "size_class": "large"}, 409),
        ("/treatment-areas", {"code": "Bad Code", "name": "X", "size_class": "large"}, 422),
        ("/treatment-areas", {"code": "x", "name": "X", "size_class": "huge"}, 422),
        ("/treatment-areas", {"code": "x", "name": "", "size_class": "small"}, 422),
        (
            "/substances",
            {"code": "x", "name": "X", "allergen_classes": ["nope"], "source": "S"},
            422,
        ),
        ("/substances", {"code": "lidocaine", "name": "Again", "source": "S"}, 409),
        ("/allergen-classes", {"code": "soy", "name": "Again", "source": "S"}, 409),
        (
            "/formulations",
            {"name": "X", "indications": ["cellulite"], "ingredients": []},
            422,
        ),
        (
            "/formulations",
            {
                "name": "X",
                "indications": ["tattoo"],
                "ingredients": [{"substance_code": "caffeine", "concentration": "1%"}],
            },
            422,
        ),
        (
            "/formulations",
            {
                "name": "X",
                "indications": ["cellulite"],
                "ingredients": [{"substance_code": "unobtainium", "concentration": "1%"}],
            },
            422,
        ),
        (
            "/formulations",
            {
                "name": "Lipolytic PC/DC",
                "indications": ["cellulite"],
                "ingredients": [{"substance_code": "caffeine", "concentration": "1%"}],
            },
            409,
        ),
        ("/contraindications", {"code": "x", "name": "X", "kind": "sometimes"}, 422),
    ]
    for path, body, expected in cases:
        response = client.post(f"/api/v1{path}", json=body, headers=headers)
        assert response.status_code == expected, (path, body, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        key = "errors" if expected == 422 else "conflicts"
        assert response.json()[key]
    assert {m: count(db, m) for m in before} == before


def test_nul_in_codes_is_422_not_a_server_error(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings)
    assert client.get("/api/v1/substances/lido%00caine", headers=headers).status_code == 422
    response = client.get(
        "/api/v1/substances", params={"allergen_class": "s\x00y"}, headers=headers
    )
    assert response.status_code == 422
