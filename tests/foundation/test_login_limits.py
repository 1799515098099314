"""The login limit holds whatever a client sends and however many attempts are in flight
(issue 11: an over-long forwarded address made failures unstorable and uncounted, and 30
simultaneous guesses got 23 checks)."""

import threading
from collections import Counter

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.auth import passwords, service
from api.db import make_engine
from api.users.models import LoginFailure
from api.vocabulary import Role
from tests.databases import DatabaseFactory
from tests.factories import PASSWORD, make_user
from tests.servers import server

TOKEN_URL = "/api/v1/auth/token"


def _login(client: httpx.Client, email: str, password: str, **headers: str) -> httpx.Response:
    return client.post(TOKEN_URL, data={"username": email, "password": password}, headers=headers)


@pytest.mark.parametrize(
    "forwarded",
    [
        "203.0.113.7" + "0" * 80,
        "x" * 5000,
        "::ffff:203.0.113.7",
        "203.0.113.7, " * 40,
        "' OR 1=1 --",
    ],
)
def test_no_forwarded_address_escapes_the_limit(app: FastAPI, db: Session, forwarded: str) -> None:
    user = make_user(db, role=Role.RECEPTIONIST)
    # As uvicorn --proxy-headers does behind a load balancer.
    behind_a_proxy = ProxyHeadersMiddleware(app, trusted_hosts="*")  # type: ignore[arg-type]
    with TestClient(behind_a_proxy) as client:  # type: ignore[arg-type]
        for _ in range(10):
            wrong = _login(client, user.email, "wrong-password", **{"X-Forwarded-For": forwarded})
            assert wrong.status_code == 401, wrong.text
        right = _login(client, user.email, PASSWORD, **{"X-Forwarded-For": forwarded})
        assert right.status_code == 429, right.text


def test_an_over_long_email_still_counts(client: TestClient, db: Session) -> None:
    email = "a" * 300 + "@example.com"
    for _ in range(10):
        assert _login(client, email, "wrong").status_code == 401
    assert _login(client, email, "wrong").status_code == 429
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 10


def test_a_success_does_not_count_as_a_failure(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for _ in range(9):
        assert _login(client, user.email, "wrong").status_code == 401
    for _ in range(3):
        assert _login(client, user.email, PASSWORD).status_code == 200
    assert _login(client, user.email, "wrong").status_code == 401
    assert _login(client, user.email, PASSWORD).status_code == 429


def test_a_deactivated_account_costs_one_verification_like_any_other(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing must not tell a deactivated account from an active one or an unknown email:
    each login attempt runs exactly one Argon2 verification."""
    calls: list[str] = []

    def verify(password_hash: str, password: str) -> bool:
        calls.append(password)
        return passwords.verify_password(password_hash, password)

    def burn(password: str) -> None:
        calls.append(password)
        passwords.burn_verification(password)

    monkeypatch.setattr(service, "verify_password", verify)
    monkeypatch.setattr(service, "burn_verification", burn)
    inactive = make_user(db, active=False)
    active = make_user(db)
    for email, password in [
        (inactive.email, PASSWORD),
        (inactive.email, "wrong"),
        (active.email, "wrong"),
        ("nobody@example.com", "wrong"),
    ]:
        calls.clear()
        assert _login(client, email, password).status_code == 401
        assert len(calls) == 1, email


@pytest.mark.slow
def test_simultaneous_guesses_get_exactly_ten_checks(databases: DatabaseFactory) -> None:
    """Thirty wrong passwords for one account at once, on two API processes (each request on
    its own connection): ten are checked (401), the others refused (429)."""
    with databases.fresh() as url:
        engine = make_engine(url)
        try:
            with Session(engine) as db:
                email = make_user(db, role=Role.RECEPTIONIST).email
                db.commit()
        finally:
            engine.dispose()
        with server(url) as first, server(url) as second:
            bases = [first, second]
            barrier = threading.Barrier(30)
            answers: list[int] = []
            lock = threading.Lock()

            def guess(i: int) -> None:
                with httpx.Client(base_url=bases[i % 2], timeout=60) as client:
                    client.get("/health")
                    barrier.wait(timeout=30)
                    status = _login(client, email, f"guess-{i}").status_code
                with lock:
                    answers.append(status)

            threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            assert not any(t.is_alive() for t in threads)
    assert Counter(answers) == {401: 10, 429: 20}
