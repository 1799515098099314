"""Login, tokens, the caller's account, deactivation and the login rate limit."""

from datetime import timedelta

import httpx
import jwt
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.users.models import LoginFailure
from api.vocabulary import Role
from tests.factories import PASSWORD, auth_headers, make_user

TOKEN_URL = "/api/v1/auth/token"


def login(client: TestClient, email: str, password: str) -> httpx.Response:
    response: httpx.Response = client.post(
        TOKEN_URL, data={"username": email, "password": password}
    )
    return response


def test_token_flow_logs_in_and_reads_me(client: TestClient, db: Session) -> None:
    user = make_user(db, role=Role.RECEPTIONIST, email="Desk@Example.com")
    response = login(client, "desk@example.com", PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 60 * 60
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == str(user.id)
    assert me.json()["role"] == "receptionist"
    assert "password" not in me.text
    assert "argon2" not in me.text


def test_wrong_password_and_unknown_email_are_401_problems(client: TestClient, db: Session) -> None:
    make_user(db, email="someone@example.com")
    for email, password in [("someone@example.com", "nope-nope"), ("nobody@example.com", "x")]:
        response = login(client, email, password)
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 401


def test_missing_bad_and_expired_tokens_are_401(
    client: TestClient, db: Session, settings: Settings
) -> None:
    assert client.get("/api/v1/auth/me").status_code == 401
    bad = client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401
    assert bad.headers["www-authenticate"] == "Bearer"
    headers = auth_headers(make_user(db), settings)
    # Accepted once (its signature is then remembered), it still expires on time.
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    clock.freeze(clock.now() + timedelta(minutes=settings.access_token_minutes + 1))
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_token_signed_with_another_key_is_rejected(client: TestClient, db: Session) -> None:
    user = make_user(db)
    forged = auth_headers(user, Settings(secret_key="another-key-that-is-long-enough-0123456789"))
    assert client.get("/api/v1/auth/me", headers=forged).status_code == 401


def test_deactivated_user_token_stops_working(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = make_user(db)
    user = make_user(db, role=Role.RECEPTIONIST)
    headers = auth_headers(user, settings)
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    response = client.patch(
        f"/api/v1/users/{user.id}", json={"active": False}, headers=auth_headers(admin, settings)
    )
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 401
    assert login(client, user.email, PASSWORD).status_code == 401


def test_ten_failures_for_one_email_lock_it_with_retry_after(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    for _ in range(10):
        assert login(client, user.email, "wrong-password").status_code == 401
    locked = login(client, user.email, PASSWORD)
    assert locked.status_code == 429
    assert locked.headers["content-type"] == "application/problem+json"
    assert 0 < int(locked.headers["retry-after"]) <= 15 * 60
    # Another account from the same address is not locked by these ten failures.
    other = make_user(db)
    assert login(client, other.email, PASSWORD).status_code == 200
    # Fifteen minutes later the window has passed.
    clock.freeze(clock.now() + timedelta(minutes=15, seconds=1))
    assert login(client, user.email, PASSWORD).status_code == 200


def test_fifty_failures_from_one_address_lock_that_address(client: TestClient, db: Session) -> None:
    user = make_user(db)
    for i in range(50):
        assert login(client, f"guess-{i}@example.com", "wrong-password").status_code == 401
    assert login(client, user.email, PASSWORD).status_code == 429
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(LoginFailure)) == 50


def test_failures_are_stored_in_the_database(client: TestClient, db: Session) -> None:
    login(client, "nobody@example.com", "wrong")
    db.expire_all()
    stored = db.scalars(select(LoginFailure)).all()
    assert [f.email for f in stored] == ["nobody@example.com"]


def test_a_password_change_cuts_every_token_issued_before(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = auth_headers(make_user(db), settings)
    user = make_user(db, role=Role.RECEPTIONIST)
    before = auth_headers(user, settings)
    logged_in = login(client, user.email, PASSWORD).json()["access_token"]
    assert client.get("/api/v1/auth/me", headers=before).status_code == 200  # remembered now
    changed = client.patch(
        f"/api/v1/users/{user.id}", json={"password": "a-new-password-42"}, headers=admin
    )
    assert changed.status_code == 200, changed.text
    for token in (before["Authorization"], f"Bearer {logged_in}"):
        refused = client.get("/api/v1/auth/me", headers={"Authorization": token})
        assert refused.status_code == 401
    fresh = login(client, user.email, "a-new-password-42").json()["access_token"]
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {fresh}"}).is_success


def test_a_token_without_a_password_digest_is_refused(
    client: TestClient, db: Session, settings: Settings
) -> None:
    user = make_user(db)
    claims = {"sub": str(user.id), "exp": clock.now() + timedelta(minutes=5), "typ": "access"}
    token = jwt.encode(claims, settings.signing_key, algorithm="HS256")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_the_login_form_documents_non_empty_fields(client: TestClient) -> None:
    """An empty form field is a missing one (422): the document says at least one character,
    so schema-valid data (schemathesis's positive check) is never an empty username."""
    doc = client.get("/openapi.json").json()
    content = doc["paths"]["/api/v1/auth/token"]["post"]["requestBody"]["content"]
    ref = content["application/x-www-form-urlencoded"]["schema"]["$ref"]
    form = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert form["properties"]["username"]["minLength"] == 1
    assert form["properties"]["password"]["minLength"] == 1
    answer = client.post("/api/v1/auth/token", data={"username": "", "password": ""})
    assert answer.status_code == 422
