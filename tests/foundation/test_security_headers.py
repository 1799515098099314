"""Every response says `X-Content-Type-Options: nosniff`, and every one that may carry data
`Cache-Control: no-store`: successes, errors (a 500 too), the docs and the public lists."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from api.config import Settings
from api.vocabulary import Role
from tests.factories import auth_headers, make_clinic, make_patient, make_user


def assert_secured(response: Response, *, no_store: bool = True) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    if no_store:
        assert response.headers["cache-control"] == "no-store"
        assert response.headers.get_list("cache-control") == ["no-store"]


def test_health_data_responses_are_not_stored(
    client: TestClient, db: Session, settings: Settings
) -> None:
    clinic = make_clinic(db)
    patient = make_patient(db, clinic)
    headers = auth_headers(make_user(db, role=Role.RECEPTIONIST, clinics=[clinic]), settings)
    for response in (
        client.get(f"/api/v1/patients/{patient.id}", headers=headers),
        client.get(f"/api/v1/patients/{patient.id}/allergies", headers=headers),
        client.get(f"/api/v1/patients/{patient.id}/intakes", headers=headers),
        client.get("/api/v1/patients", headers=headers),
        client.patch(
            f"/api/v1/patients/{patient.id}", json={"phone": "+33698765432"}, headers=headers
        ),
    ):
        assert response.is_success, response.text
        assert_secured(response)


def test_catalogue_public_lists_health_and_docs_carry_them_too(
    client: TestClient, db: Session, settings: Settings
) -> None:
    as_patient = auth_headers(make_user(db, role=Role.PATIENT), settings)
    catalogue = client.get("/api/v1/treatment-areas", headers=as_patient)
    assert catalogue.status_code == 200
    assert_secured(catalogue)
    for path in ("/api/v1/clinics", "/health", "/openapi.json", "/docs", "/redoc"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_secured(response)


def test_docs_assets_are_nosniff_and_may_be_cached(client: TestClient) -> None:
    response = client.get("/docs-assets/swagger-ui-bundle.js")
    assert response.status_code == 200
    assert_secured(response, no_store=False)
    assert "cache-control" not in response.headers


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/api/v1/patients", 401),
        ("GET", "/api/v1/no-such-thing", 404),
        ("DELETE", "/api/v1/clinics", 405),
        ("GET", "/api/v1/clinics?limit=0", 422),
        ("POST", "/api/v1/auth/token", 422),
    ],
)
def test_errors_carry_them(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert response.status_code == status, response.text
    assert_secured(response)


def test_an_unexpected_error_carries_them(app: FastAPI) -> None:
    @app.get("/probe/crash")
    def crash() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/probe/crash")
    assert response.status_code == 500
    assert_secured(response)


def test_a_refused_oversized_body_carries_them(client: TestClient, settings: Settings) -> None:
    too_large = b"x" * (settings.max_body_bytes + 1)
    response = client.post("/api/v1/auth/token", content=too_large)
    assert response.status_code == 413
    assert_secured(response)
