"""A hostile body costs the server bounded time and memory (issue 11: a 1.9 MB list stalled a
process for 11 s and produced a 74 MB error body; 50 MB bodies were read whole)."""

import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.config import Settings
from api.errors import MAX_LISTED_ERRORS
from api.practitioners.schemas import MAX_WORKING_HOURS
from api.vocabulary import Role
from tests.constants import NINE_TO_FIVE
from tests.databases import DatabaseFactory
from tests.factories import auth_headers, make_clinic, make_practitioner, make_user
from tests.servers import server

LIMIT = Settings().max_body_bytes


def test_a_body_declared_too_large_is_413_before_it_is_read(client: TestClient) -> None:
    response = client.post(
        "/api/v1/auth/token",
        content=b"x" * (LIMIT + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert str(LIMIT) in response.json()["detail"]


def test_a_chunked_body_is_cut_at_the_limit(
    client: TestClient, db: Session, settings: Settings
) -> None:
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(LIMIT // 1024 + 10):
            yield b"a" * 1024
        yield b'"}'

    response = client.post("/api/v1/clinics", content=chunks(), headers=headers)
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_422_lists_a_bounded_number_of_errors(
    client: TestClient, db: Session, settings: Settings
) -> None:
    clinic = make_clinic(db)
    practitioner = make_practitioner(db, [clinic], hours=NINE_TO_FIVE)
    url = f"/api/v1/practitioners/{practitioner.id}/working-hours"
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    bad = client.put(url, json=[{"weekday": "x"} for _ in range(150)], headers=headers)
    assert bad.status_code == 422, bad.text
    assert len(bad.json()["errors"]) == MAX_LISTED_ERRORS
    assert f"the first {MAX_LISTED_ERRORS} are listed" in bad.json()["detail"]
    item = {"clinic_id": str(clinic.id), "weekday": 0, "start": "09:00", "end": "10:00"}
    too_many = client.put(url, json=[item] * (MAX_WORKING_HOURS + 1), headers=headers)
    assert too_many.status_code == 422
    assert [e["type"] for e in too_many.json()["errors"]] == ["too_long"]


@pytest.mark.slow
def test_a_hostile_body_does_not_hold_up_other_clients(databases: DatabaseFactory) -> None:
    """While clients send 50 MB bodies (declared and chunked), another client's /health is
    answered at once, and each hostile request ends quickly with a 413."""
    with databases.fresh() as url, server(url) as base:
        hostile_times: list[float] = []

        def declared() -> None:
            started = time.monotonic()
            with httpx.Client(base_url=base, timeout=30) as client:
                try:
                    response = client.post(
                        "/api/v1/auth/token",
                        content=b"x" * 50_000_000,
                        headers={"Content-Type": "application/x-www-form-urlencoded"},
                    )
                    assert response.status_code == 413
                except httpx.TransportError:
                    pass  # the server may close before the client has sent it all
            hostile_times.append(time.monotonic() - started)

        def chunked() -> None:
            started = time.monotonic()

            def body() -> Iterator[bytes]:
                for _ in range(50):
                    yield b"[" + b'{"weekday": 0},' * 60_000

            with httpx.Client(base_url=base, timeout=30) as client:
                try:
                    response = client.post("/api/v1/clinics", content=body())
                    assert response.status_code in (401, 413)
                except httpx.TransportError:
                    pass
            hostile_times.append(time.monotonic() - started)

        threads = [threading.Thread(target=f) for f in (declared, chunked, declared, chunked)]
        for t in threads:
            t.start()
        health: list[float] = []
        with httpx.Client(base_url=base, timeout=10) as client:
            for _ in range(20):
                started = time.monotonic()
                assert client.get("/health").status_code == 200
                health.append(time.monotonic() - started)
        for t in threads:
            t.join(timeout=60)
        assert not any(t.is_alive() for t in threads)
    assert max(health) < 1.0, health
    assert max(hostile_times) < 10.0, hostile_times
