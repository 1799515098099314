"""The OpenAPI document's request examples succeed against freshly seeded demo data."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.common import clock
from api.config import Settings
from api.demo import demo_email, seed_demo
from api.docs_examples import examples
from api.users.models import User
from tests.factories import auth_headers

CASES = [
    (op, name, role)
    for op, entry in examples(clock.now()).items()
    for name, ex in entry.examples.items()
    for role in ex.roles
]


def _operation(doc: dict[str, Any], operation_id: str) -> tuple[str, str, dict[str, Any]]:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if op.get("operationId") == operation_id:
                return method, path, op
    raise AssertionError(operation_id)


@pytest.mark.parametrize(("operation_id", "name", "role"), CASES)
def test_example_succeeds_on_fresh_demo(
    db: Session,
    app: FastAPI,
    client: TestClient,
    settings: Settings,
    operation_id: str,
    name: str,
    role: Any,
) -> None:
    seed_demo(db)
    doc = app.openapi()
    method, path, op = _operation(doc, operation_id)
    for param in op.get("parameters", []):
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", param["example"])
    media, content = next(iter(op["requestBody"]["content"].items()))
    value = content["examples"][name]["value"]
    user = db.scalar(select(User).where(User.email == demo_email(role)))
    assert user is not None
    headers = auth_headers(user, settings)
    if media == "application/json":
        response = client.request(method, path, json=value, headers=headers)
    else:
        response = client.request(method, path, data=value, headers=headers)
    assert 200 <= response.status_code < 300, response.text
