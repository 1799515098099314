"""Calling the sessions API from tests."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.sessions.models import TreatmentSession
from tests.factories_sessions import Setup


def book(
    client: TestClient, headers: dict[str, str], setup: Setup, starts_at: datetime | str, **kw: Any
) -> Response:
    body = {
        "treatment_plan_id": str(kw.get("plan_id", setup.plan.id)),
        "practitioner_id": str(kw.get("practitioner_id", setup.practitioner.id)),
        "starts_at": starts_at if isinstance(starts_at, str) else starts_at.isoformat(),
    }
    response: Response = client.post("/api/v1/sessions", headers=headers, json=body)
    return response


def codes(response: Response) -> list[str]:
    assert response.status_code == 409, response.text
    return [c["code"] for c in response.json()["conflicts"]]


def count_sessions(db: Session) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(TreatmentSession)) or 0
