"""Where the OpenAPI document says that a well-typed request may still be refused.

A schema states what a value must look like; some refusals depend on what is stored or on a
rule across fields or the clock, which no schema can state: a well-typed id that names nothing
(DESIGN.md: 422), an opaque cursor the server did not give (422), a date in the future, an end
before its start (422), a stale `If-Match` (412). The 422 response of each operation lists the
request locations where that can happen, as `x-refused-when-well-typed` (locations as in
`errors[].loc`: `["query", "cursor"]`, `["body", "clinic_ids"]`), derived here from the
document itself:

- the `cursor` query parameter (opaque: only a `next_cursor` the server gave is valid);
- every query parameter and top-level body field that holds ids (`format: uuid`, or a list of
  them): references to what is stored; path parameters answer 404 instead;
- the fields that name catalogue codes (`CODE_FIELDS`) and the fields that rules check against
  the clock or another field (`RULE_FIELDS`), wherever they occur.

The fuzz tests (tests/test_fuzz.py) read the list: schemathesis's positive-data check accepts
a 422 on exactly those operations and 412 where `If-Match` is documented, and a check of our
own fails a 422 to generated valid data that names any other location.
"""

from typing import Any

from fastapi import FastAPI

from api.common.openapi_steps import extend_openapi

EXTENSION = "x-refused-when-well-typed"

# Fields whose values name catalogue entries (unknown codes are 422).
CODE_FIELDS = frozenset(
    {
        "area_code",
        "area_codes",
        "substance_code",
        "allergen_class",
        "allergen_classes",
        "ingredients",
        "contraindications",
        "cellulite",
        "items",
    }
)
# Fields that a rule checks against the clock or another field (in the past or the future, an
# end after its start, a range of at most so many days, a filter that needs another), and an
# email address, whose domain may not be a special-use name (`.local`, `example.com`, …), and a
# phone number, which must exist in its country's numbering plan (beyond its E.164 pattern).
RULE_FIELDS = frozenset(
    {
        "email",
        "phone",
        "starts_at",
        "first_starts_at",
        "ends_at",
        "signed_at",
        "date_of_birth",
        "measured_on",
        "noted_on",
        "to",
        "radius_km",
    }
)

_REF = "#/components/schemas/"


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while schema.get("$ref", "").startswith(_REF):
        schema = doc["components"]["schemas"][schema["$ref"].removeprefix(_REF)]
    return schema


def _holds_ids(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    schema = _resolve(doc, schema)
    if schema.get("format") == "uuid":
        return True
    if "items" in schema:
        return _holds_ids(doc, schema["items"])
    return any(_holds_ids(doc, s) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def _declared(doc: dict[str, Any], name: str, schema: dict[str, Any]) -> bool:
    return name in CODE_FIELDS or name in RULE_FIELDS or _holds_ids(doc, schema)


def refused_locations(doc: dict[str, Any], operation: dict[str, Any]) -> list[list[str]]:
    """The locations of `operation` where a well-typed value may be refused with a 422."""
    found: list[list[str]] = []
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "query" and (name == "cursor" or _declared(doc, name, parameter["schema"])):
            found.append([where, name])
    content = operation.get("requestBody", {}).get("content", {})
    body = _resolve(doc, content.get("application/json", {}).get("schema", {}))
    for name, schema in body.get("properties", {}).items():
        if _declared(doc, name, schema):
            found.append(["body", name])
    return found


def document_refusals(doc: dict[str, Any]) -> None:
    """Add `x-refused-when-well-typed` to the 422 responses of `doc` that have any."""
    for item in doc["paths"].values():
        for operation in item.values():
            response = operation.get("responses", {}).get("422")
            if response is None:
                continue
            locations = refused_locations(doc, operation)
            if locations:
                response[EXTENSION] = locations


def install_refusals(app: FastAPI) -> None:
    """Have `app.openapi()` carry the refusals (called after `install_problem_docs`)."""
    extend_openapi(app, document_refusals)
