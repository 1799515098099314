"""A page of plans costs the same few statements however many plans and sessions it holds."""

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session

from api.plans.models import TreatmentPlan
from tests.factories import make_session
from tests.plans.helpers import NOW, World
from tests.statements import counting

PLANS = "/api/v1/treatment-plans"


def test_listing_plans_costs_a_fixed_number_of_statements(
    client: TestClient, world: World, db: Session, connection: Connection
) -> None:
    headers = world.as_("receptionist")
    first = client.post(PLANS, json=world.body(), headers=world.as_("practitioner")).json()
    with counting(connection) as one_plan:
        assert len(client.get(PLANS, headers=headers).json()["items"]) == 1
    for _ in range(5):
        client.post(PLANS, json=world.body(), headers=world.as_("practitioner"))
    db.expire_all()
    plan = db.get(TreatmentPlan, uuid.UUID(first["id"]))
    assert plan is not None
    for week in range(3):
        make_session(db, plan, starts_at=NOW + timedelta(days=7 * (week + 1)))
    with counting(connection) as six_plans:
        assert len(client.get(PLANS, headers=headers).json()["items"]) == 6
    assert 0 < len(six_plans) == len(one_plan)
