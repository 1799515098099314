"""Every substance, allergen class and contraindication shows where its facts come from
(`source`, migration 0007), and an admin adding one must give it; migration 0007 comes down to
the aliases of 0003 and goes up again."""

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from api.catalogue.models import AllergenClass, Substance
from api.config import Settings
from api.db import make_engine
from api.vocabulary import Role
from tests.databases import DatabaseFactory, alembic_config
from tests.factories import auth_headers, make_user

LISTS = ("/api/v1/substances", "/api/v1/allergen-classes", "/api/v1/contraindications")


def _headers(db: Session, settings: Settings, role: Role) -> dict[str, str]:
    user = make_user(db, role=role)
    db.commit()
    return auth_headers(user, settings)


def _all(client: TestClient, path: str, headers: dict[str, str]) -> list[Any]:
    items: list[Any] = []
    cursor = None
    while True:
        query = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, headers=headers, params=query).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


@pytest.mark.parametrize("path", LISTS)
def test_every_shipped_item_names_its_source(
    client: TestClient, db: Session, settings: Settings, path: str
) -> None:
    headers = _headers(db, settings, Role.RECEPTIONIST)
    items = _all(client, path, headers)
    assert len(items) >= 9
    for item in items:
        assert isinstance(item["source"], str), item
        assert len(item["source"]) > 20, item
    one = client.get(f"{path}/{items[0]['code']}", headers=headers).json()
    assert one["source"] == items[0]["source"]


def test_the_sources_are_those_0003_cites(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = _headers(db, settings, Role.PRACTITIONER)
    lidocaine = client.get("/api/v1/substances/lidocaine", headers=headers).json()
    assert "Eggleston" in lidocaine["source"]
    soy = client.get("/api/v1/allergen-classes/soy", headers=headers).json()
    assert "Asserhoj" in soy["source"]
    pregnancy = client.get("/api/v1/contraindications/pregnancy", headers=headers).json()
    assert "Mammucari" in pregnancy["source"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/substances", {"code": "arnica_extract", "name": "Arnica extract"}),
        ("/api/v1/allergen-classes", {"code": "peanut", "name": "Peanut"}),
        (
            "/api/v1/contraindications",
            {"code": "porphyria", "name": "Porphyria", "kind": "absolute"},
        ),
    ],
)
def test_an_admin_must_give_a_source(
    client: TestClient, db: Session, settings: Settings, path: str, body: dict[str, Any]
) -> None:
    headers = _headers(db, settings, Role.ADMIN)
    for missing in ({}, {"source": ""}, {"source": "   "}):
        response = client.post(path, json={**body, **missing}, headers=headers)
        assert response.status_code == 422, response.text
        assert any(e["loc"][-1] == "source" for e in response.json()["errors"])
    source = "Doe J., A study, J Test, 2026"
    created = client.post(path, json={**body, "source": f" {source} "}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["source"] == source
    shown = client.get(f"{path}/{body['code']}", headers=headers).json()
    assert shown["source"] == source


def _run(url: str, action: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            getattr(command, action)(config, revision)
    finally:
        engine.dispose()


def test_0007_comes_down_to_the_aliases_of_0003_and_up_again(databases: DatabaseFactory) -> None:
    path = Path(__file__).parents[2] / "migrations/versions/2026_12_02_0007_catalogue_names.py"
    spec = importlib.util.spec_from_file_location("_catalogue_names_0007", path)
    assert spec is not None
    assert spec.loader is not None
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    with databases.fresh() as url:
        engine = make_engine(url)
        try:
            _run(url, "downgrade", "0006")
            columns = {
                table: {c["name"] for c in inspect(engine).get_columns(table)}
                for table in ("substances", "allergen_classes", "contraindications")
            }
            assert all("source" not in names for names in columns.values())
            with engine.connect() as connection:
                rows = connection.execute(
                    select(Substance.__table__.c.code, Substance.__table__.c.aliases)
                )
                assert {code: tuple(a) for code, a in rows} == m.PREVIOUS_SUBSTANCE_ALIASES
                rows = connection.execute(
                    select(AllergenClass.__table__.c.code, AllergenClass.__table__.c.aliases)
                )
                assert {code: tuple(a) for code, a in rows} == m.PREVIOUS_CLASS_ALIASES
            _run(url, "upgrade", "head")
            with Session(engine) as db:
                lidocaine = db.get_one(Substance, "lidocaine")
                assert "lidocaïne" in lidocaine.aliases
                assert "Eggleston" in lidocaine.source
                assert "soja" in db.get_one(AllergenClass, "soy").aliases
        finally:
            engine.dispose()
