"""The OpenAPI document types every error (`application/problem+json` with a schema), lists
only the statuses an operation can answer, names each 409's codes, and names its operations
readably (real error bodies against it: tests/scheduling/test_problem_bodies.py)."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.scheduling import booking
from api.vocabulary import ConflictCode
from tests.helpers import PROBLEM, conflict_codes, conflict_item, openapi_component

CAMEL_CASE = re.compile(r"[a-z]+(?:[A-Z][a-z0-9]*)*")

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def operations(doc: dict[str, Any]) -> Iterator[Operation]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def errors(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s: r for s, r in operation["responses"].items() if s[0] in "45"}


def test_every_error_response_is_a_problem_with_a_schema(doc: dict[str, Any]) -> None:
    seen = 0
    for method, path, operation in operations(doc):
        for status, response in errors(operation).items():
            content = response.get("content", {})
            where = f"{method} {path} {status}"
            assert set(content) == {PROBLEM}, where
            ref = content[PROBLEM]["schema"]["$ref"]
            schema = openapi_component(doc, ref)
            assert {"type", "title", "status", "detail"} <= set(schema["required"]), where
            if status == "422":
                assert ref.endswith("/ValidationProblem"), where
            if status == "409":
                assert "conflicts" in schema["required"], where
            seen += 1
    assert seen > 250


def test_only_the_statuses_an_operation_can_answer(doc: dict[str, Any]) -> None:
    for method, path, operation in operations(doc):
        statuses = set(errors(operation))
        where = f"{method} {path}"
        body = operation.get("requestBody", {}).get("content", {})
        headers = {
            p["name"].lower() for p in operation.get("parameters", []) if p["in"] == "header"
        }
        assert ("400" in statuses) == ("application/json" in body), where
        assert ("412" in statuses) == ("if-match" in headers), where
        assert ("401" in statuses) == bool(operation.get("security")) or path.endswith("/token")
        assert ("404" in statuses) == ("{" in path), where
        if method == "GET":
            assert not statuses & {"400", "409", "412"}, where
    token = doc["paths"]["/api/v1/auth/token"]["post"]
    assert set(errors(token)) == {"401", "422", "429"}
    assert set(errors(doc["paths"]["/api/v1/auth/me"]["get"])) == {"401"}


def test_each_409_lists_the_codes_the_server_checks_against(
    doc: dict[str, Any], app: FastAPI
) -> None:
    """The document and the server's own check (`api.errors.check_documented`, which logs a
    409 naming any other code, and fails the test that provoked it) read one table."""
    table: dict[tuple[str, str], frozenset[str]] = app.state.documented_conflicts
    for method, path, operation in operations(doc):
        if "409" in operation["responses"]:
            assert conflict_codes(doc, operation) == table[(method, path)], f"{method} {path}"
        else:
            assert not table.get((method, path)), f"{method} {path}"
    book_session = doc["paths"]["/api/v1/sessions"]["post"]
    assert conflict_codes(doc, book_session) == {str(c) for c in booking.BOOK_CODES} | {
        ConflictCode.CONFLICT
    }


def test_conflict_items_type_the_fields_their_codes_add(doc: dict[str, Any]) -> None:
    def item(path: str, method: str) -> dict[str, Any]:
        return conflict_item(doc, doc["paths"][path][method])

    plan = item("/api/v1/treatment-plans", "post")["properties"]
    assert plan["substance_code"]["type"] == "string"
    assert plan["contraindication_code"]["type"] == "string"
    course = item("/api/v1/treatment-plans/{plan_id}/schedule", "post")["properties"]
    assert course["step"]["type"] == "integer"
    assert course["date"] == {**course["date"], "type": "string", "format": "date"}
    cancel = item("/api/v1/sessions/{session_id}/cancel", "post")
    assert set(cancel["properties"]) == {"code", "detail"}
    assert cancel["additionalProperties"] is False


def test_operation_ids_are_camel_case_and_unique(doc: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in operations(doc)]
    assert len(ids) == len(set(ids))
    assert all(CAMEL_CASE.fullmatch(i) for i in ids), [
        i for i in ids if not CAMEL_CASE.fullmatch(i)
    ]
    paths = doc["paths"]
    assert paths["/api/v1/sessions"]["post"]["operationId"] == "bookSession"
    assert paths["/api/v1/sessions"]["get"]["operationId"] == "listSessions"
    assert paths["/api/v1/patients/{patient_id}"]["get"]["operationId"] == "getPatient"
    assert paths["/api/v1/treatment-plans"]["post"]["operationId"] == "createTreatmentPlan"


def test_tags_in_the_order_a_front_end_meets_them(doc: dict[str, Any]) -> None:
    names = [tag["name"] for tag in doc["tags"]]
    assert names == [
        "auth",
        "clinics",
        "practitioners",
        "patients",
        "treatment plans",
        "availability",
        "sessions",
        "follow-ups",
        "users",
        "audit",
        "catalogue",
        "health",
    ]
    used = {tag for _, _, operation in operations(doc) for tag in operation["tags"]}
    assert used == set(names)
    assert doc["paths"]["/api/v1/availability"]["get"]["tags"] == ["availability"]
