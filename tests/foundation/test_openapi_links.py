"""The OpenAPI links (`api.common.links`): every create links to what acts on what it created,
and every link names an existing operation, parameters it has, and values its source has."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient

Link = tuple[str, str, dict[str, Any], dict[str, Any]]  # source id, status, source, link


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


def _operations(doc: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        op["operationId"]: (path, op) for path, item in doc["paths"].items() for op in item.values()
    }


def _links(doc: dict[str, Any]) -> Iterator[Link]:
    for _, operation in _operations(doc).values():
        for status, response in operation["responses"].items():
            for link in response.get("links", {}).values():
                yield operation["operationId"], status, operation, link


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _at(doc: dict[str, Any], schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The schema of the value at a JSON pointer into instances of `schema`."""
    for part in pointer.strip("/").split("/"):
        schema = _resolve(doc, schema)
        schema = schema["items"] if part.isdigit() else schema["properties"][part]
    return _resolve(doc, schema)


def _params(operation: dict[str, Any]) -> set[tuple[str, str]]:
    return {(p["in"], p["name"]) for p in operation.get("parameters", [])}


def test_every_create_links_to_the_operations_on_what_it_created(doc: dict[str, Any]) -> None:
    ops = _operations(doc)
    creates = [op for _, op in ops.values() if "201" in op["responses"]]
    assert len(creates) > 15
    for operation in creates:
        assert operation["responses"]["201"].get("links"), operation["operationId"]
    targets = {link["operationId"] for source, status, _, link in _links(doc) if status == "201"}
    for expected in (
        "getClinic",
        "updateClinic",
        "deleteClinic",
        "replaceWorkingHours",
        "addTimeOff",
        "deleteTimeOff",
        "getAllergy",
        "getIntake",
        "consentToTreatmentPlan",
        "scheduleCourse",
        "bookSession",
        "checkInSession",
        "completeSession",
        "createFollowUp",
        "getUser",
        "getSubstance",
    ):
        assert expected in targets, expected


def test_every_link_resolves(doc: dict[str, Any]) -> None:
    ops = _operations(doc)
    seen = 0
    for source_id, status, source, link in _links(doc):
        where = f"{source_id} {status} → {link.get('operationId')}"
        assert link["operationId"] in ops, where
        target = ops[link["operationId"]][1]
        response = source["responses"][status]
        body_schema = response["content"]["application/json"]["schema"]
        supplied = set()
        values = dict(link.get("parameters", {}))
        for key in values:
            location, name = key.split(".", 1)
            assert (location, name) in _params(target), where
            supplied.add((location, name))
        body = link.get("requestBody", {})
        target_body = target["requestBody"]["content"]["application/json"]["schema"] if body else {}
        for name in body:
            assert name in _resolve(doc, target_body)["properties"], where
        for expression in [*values.values(), *body.values()]:
            if expression.startswith("$response.body#"):
                found = _at(doc, body_schema, expression.removeprefix("$response.body#"))
                assert found.get("type") == "string", where
            elif expression.startswith("$response.header."):
                assert expression.removeprefix("$response.header.") in response["headers"], where
            else:
                assert expression.startswith("$request.path."), where
                assert ("path", expression.removeprefix("$request.path.")) in _params(source)
        required_path = {
            (p["in"], p["name"]) for p in target.get("parameters", []) if p["in"] == "path"
        }
        assert required_path <= supplied, where
        seen += 1
    assert seen > 60


def test_schemathesis_reads_every_link(doc: dict[str, Any]) -> None:
    """The stateful tests (tests/test_fuzz.py) see the links as transitions."""
    schema = schemathesis.openapi.from_dict(doc)
    machine = schema.as_state_machine()
    assert machine.bundles  # one bundle per source of links
    assert sum(1 for _ in _links(doc)) > 60
