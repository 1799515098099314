"""Small helpers shared by tests of several domains."""

import uuid
from typing import Any

import jsonschema_rs
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

PROBLEM = "application/problem+json"


def count(db: Session, model: type[Any], **where: Any) -> int:
    """The rows of `model` matching `where` (column = value), read afresh."""
    db.expire_all()
    stmt = select(func.count()).select_from(model)
    for name, value in where.items():
        stmt = stmt.where(getattr(model, name) == value)
    return int(db.scalar(stmt) or 0)


def new_id() -> str:
    return str(uuid.uuid4())


def openapi_component(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    """The schema that `ref` (`#/components/schemas/Name`) names in the OpenAPI `doc`."""
    schema: dict[str, Any] = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def conflict_item(doc: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any]:
    """The schema of the `conflicts` items of an operation's documented 409."""
    ref = operation["responses"]["409"]["content"][PROBLEM]["schema"]["$ref"]
    conflict = openapi_component(doc, ref)
    return openapi_component(doc, conflict["properties"]["conflicts"]["items"]["$ref"])


def conflict_codes(doc: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The `conflicts[].code` enum of an operation's documented 409."""
    return set(conflict_item(doc, operation)["properties"]["code"]["enum"])


def assert_documented(doc: dict[str, Any], method: str, path: str, response: Response) -> None:
    """The response's status is documented for the operation, as `application/problem+json`,
    and its body validates against the documented schema."""
    operation = doc["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (method, path, status)
    assert response.headers["content-type"].startswith(PROBLEM)
    ref = operation["responses"][status]["content"][PROBLEM]["schema"]["$ref"]
    validator = jsonschema_rs.Draft202012Validator(
        {"$ref": ref, "components": doc["components"]}, validate_formats=True
    )
    body = response.json()
    assert validator.is_valid(body), [e.message for e in validator.iter_errors(body)]
