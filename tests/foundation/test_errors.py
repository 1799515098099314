"""Every error is an RFC 9457 problem, from one place; naive date-times are refused."""

from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel
from sqlalchemy.orm import Session

from api.config import Settings
from api.vocabulary import Role
from tests.factories import auth_headers, make_user

PROBLEM = "application/problem+json"


def assert_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    return body


def test_unknown_route_is_404_problem(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/no-such-thing"), 404)


def test_wrong_method_is_405_problem(client: TestClient) -> None:
    assert_problem(client.delete("/health"), 405)


def test_no_token_is_401_problem(client: TestClient) -> None:
    assert_problem(client.get("/api/v1/users"), 401)


def test_receptionist_cannot_create_users(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db, role=Role.RECEPTIONIST), settings)
    body = {"email": "x@example.com", "password": "long-enough", "role": "admin"}
    assert_problem(client.post("/api/v1/users", json=body, headers=headers), 403)


def test_validation_error_is_422_with_errors_list(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db), settings)
    response = client.post("/api/v1/users", json={"email": "not-an-email"}, headers=headers)
    body = assert_problem(response, 422)
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors
    assert all({"loc", "msg"} <= e.keys() for e in errors)


def test_body_that_is_not_json_is_400(client: TestClient, db: Session, settings: Settings) -> None:
    headers = auth_headers(make_user(db), settings) | {"Content-Type": "application/json"}
    assert_problem(client.post("/api/v1/users", content=b"{not json", headers=headers), 400)


def test_limit_out_of_bounds_is_422(client: TestClient, db: Session, settings: Settings) -> None:
    headers = auth_headers(make_user(db), settings)
    for limit in (0, 201, "many"):
        assert_problem(client.get(f"/api/v1/users?limit={limit}", headers=headers), 422)
    assert_problem(client.get("/api/v1/users?cursor=garbage!", headers=headers), 422)


class _When(BaseModel):
    at: AwareDatetime


def _app_with_datetime_routes(app: FastAPI) -> FastAPI:
    @app.post("/probe/body")
    def body_probe(when: _When) -> _When:
        return when

    @app.get("/probe/query")
    def query_probe(at: Annotated[AwareDatetime, Query()]) -> dict[str, str]:
        return {"at": at.isoformat()}

    @app.get("/probe/crash")
    def crash() -> None:
        raise RuntimeError("secret internals")

    return app


def test_naive_datetime_is_422_and_aware_is_accepted(app: FastAPI) -> None:
    with TestClient(_app_with_datetime_routes(app)) as client:
        assert_problem(client.post("/probe/body", json={"at": "2026-03-01T10:00:00"}), 422)
        assert client.post("/probe/body", json={"at": "2026-03-01T10:00:00+01:00"}).is_success
        assert_problem(client.get("/probe/query", params={"at": "2026-03-01T10:00:00"}), 422)
        assert client.get("/probe/query", params={"at": "2026-03-01T10:00:00Z"}).is_success


def test_unexpected_error_is_500_problem_without_internals(app: FastAPI) -> None:
    with TestClient(_app_with_datetime_routes(app), raise_server_exceptions=False) as client:
        response = client.get("/probe/crash")
    body = assert_problem(response, 500)
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "An unexpected error occurred."


def test_nul_character_in_text_is_422_and_writes_nothing(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db), settings)
    body = {"email": "nul@example.com", "password": "long-enough\x00", "role": "admin"}
    assert_problem(client.post("/api/v1/users", json=body, headers=headers), 422)
    query = client.get("/api/v1/users", params={"role": "admin\x00"}, headers=headers)
    assert_problem(query, 422)
