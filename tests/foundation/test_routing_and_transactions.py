"""The application's own plumbing, which the other tests bypass or take for granted: one
transaction per request through its real session dependency (elsewhere replaced by one inside
each test's rolled-back transaction), and every route reachable through the routers that
refuse other domains' paths at once."""

import re
import uuid
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.catalogue.models import TreatmentArea
from api.config import Settings
from api.db import DbSession, make_engine
from api.errors import RuleConflict
from api.main import create_app
from api.vocabulary import ConflictCode
from tests.constants import TEST_SECRET
from tests.databases import DatabaseFactory


def _writing_route() -> APIRouter:
    router = APIRouter()

    @router.post("/test-only/areas/{code}")
    def write_area(code: str, db: DbSession, fail: bool = False) -> dict[str, str]:
        db.add(TreatmentArea(code=code, name=code, size_class="small"))
        db.flush()
        if fail:
            raise RuleConflict.one(ConflictCode.CONFLICT, "Refused after writing.")
        return {"code": code}

    return router


def test_a_request_commits_when_it_succeeds_and_rolls_back_when_it_fails(
    databases: DatabaseFactory,
) -> None:
    with databases.fresh() as url:
        engine = make_engine(url)
        app = create_app(Settings(database_url=url, secret_key=TEST_SECRET), engine=engine)
        app.include_router(_writing_route())
        with TestClient(app) as client:
            assert client.post("/test-only/areas/kept").status_code == 200
            assert client.post("/test-only/areas/gone", params={"fail": True}).status_code == 409
        with Session(engine) as db:
            codes = set(db.scalars(select(TreatmentArea.code)))
        assert "kept" in codes
        assert "gone" not in codes
        # Both requests gave their connection back.
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        engine.dispose()


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def _not_found_body(client: TestClient) -> Any:
    return client.get("/api/v1/no-such-thing").json()


def test_every_route_is_reached_and_other_paths_are_not(app: FastAPI, client: TestClient) -> None:
    unknown = _not_found_body(client)
    paths = app.openapi()["paths"]
    assert len(paths) > 40
    for path, operations in paths.items():
        for method in operations:
            response = client.request(method, _concrete(path))
            # Reached: anything but the answer to a path no route has.
            assert response.json() != unknown, (method, path)
    for path in ["/api/v1/sessionsx", "/api/v1/sessions/a/b/c/d", "/api/v2/sessions", "/sessions"]:
        assert client.get(path).json() == unknown, path
    # A known path with a method it does not have is 405, not 404.
    assert client.put("/api/v1/availability").status_code == 405


def test_routes_are_reached_behind_a_proxy_root_path(app: FastAPI) -> None:
    with TestClient(app, root_path="/clinic-api") as client:
        assert client.get("/clinic-api/api/v1/sessions").status_code == 401
        assert client.get("/clinic-api/api/v1/treatment-areas").status_code == 401
