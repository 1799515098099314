"""The audit trail: recorded by the Auditor, listed newest first for admins only."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.audit.service import Auditor
from api.common import clock
from api.config import Settings
from api.vocabulary import Role
from tests.factories import auth_headers, make_user


def test_admin_lists_events_newest_first_with_filters(
    client: TestClient, db: Session, settings: Settings
) -> None:
    admin = make_user(db)
    other = make_user(db, role=Role.PRACTITIONER)
    start = clock.now()
    resource_ids = [uuid.uuid4() for _ in range(3)]
    for i, resource_id in enumerate(resource_ids):
        clock.freeze(start + timedelta(minutes=i))
        actor = admin if i < 2 else other
        Auditor(db, actor.id, "127.0.0.1").record("read", "intake", resource_id, None)
        db.flush()  # `at` is taken from the clock at flush
    db.flush()
    headers = auth_headers(admin, settings)
    response = client.get("/api/v1/audit-events", headers=headers)
    assert response.status_code == 200, response.text
    events = response.json()["items"]
    assert [e["resource_id"] for e in events] == [str(r) for r in reversed(resource_ids)]
    assert events[0]["action"] == "read"
    assert events[0]["client_address"] == "127.0.0.1"
    mine = client.get(f"/api/v1/audit-events?actor_id={admin.id}", headers=headers).json()
    assert len(mine["items"]) == 2
    page = client.get("/api/v1/audit-events?limit=2", headers=headers).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    rest = client.get(
        "/api/v1/audit-events", params={"cursor": page["next_cursor"]}, headers=headers
    ).json()
    assert [e["resource_id"] for e in rest["items"]] == [str(resource_ids[0])]


def test_only_admins_read_the_audit_trail(
    client: TestClient, db: Session, settings: Settings
) -> None:
    for role in (Role.RECEPTIONIST, Role.PRACTITIONER, Role.PATIENT):
        headers = auth_headers(make_user(db, role=role), settings)
        assert client.get("/api/v1/audit-events", headers=headers).status_code == 403
