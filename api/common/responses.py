"""The error responses of the OpenAPI document, built in one place from each route's facts.

Every 4xx/5xx response is documented as `application/problem+json` with a schema (nothing
under `application/json`, which the server never sends for an error). Which statuses a route
documents is derived from the route itself, so that the document cannot claim what the route
cannot answer:

- 400 (the body is not JSON): the route takes a JSON body (not a form, not none);
- 401: the route needs a login (a security scheme among its dependencies);
- 403: one of its dependencies may refuse the caller's role (`may_forbid`), or it declares 403;
- 404: the route has path parameters (an unknown id, or one not visible to the caller);
- 409: a logged-in write (POST, PUT, PATCH, DELETE): `conflict` (a database constraint refused
  a change that a concurrent request made possible) plus the codes it declares (`conflicts`);
- 412: it takes `If-Match`;
- 422: it has any parameter or a body;
- any other status the route declares (`problem`), with its own description.

One schema per status family: `Problem` (type, title, status, detail, instance),
`ValidationProblem` (422, with `errors`), and for 409 one schema per operation,
`<OperationId>Conflict`, whose `conflicts[].code` is an enum of exactly the codes that operation
answers (`ConflictProblem` lists every code, for a client's generic handler). The 409 schemas
are flat, self-contained component schemas rather than `allOf` extensions of
`ConflictProblem` or a `oneOf` per code: openapi-typescript turns each into one named object
type (`components["schemas"]["BookSessionConflict"]`) whose `code` is a union of string
literals, so `c.code === "slot_taken"` type-checks and a misspelt code does not; `allOf` would
give an intersection with the base's wider `code: string` union (no narrowing), and a `oneOf`
per code one type per code and operation for a field that only two codes extend. The extra
fields of an item (`substance_code`, `contraindication_code`, `step`, `date`) appear, typed,
in the operations whose codes carry them.

The same derivation gives the server's own check (`documented_conflicts`): a 409 naming a code
its operation does not document is logged as an error (and fails the test that caused it).
"""

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI, params
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.security.base import SecurityBase

from api.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPE_PREFIX
from api.vocabulary import ConflictCode

Responses = dict[int | str, dict[str, Any]]

# The key of a route's 409 declaration that carries its codes (read here, never published).
_CODES = "x-conflict-codes"
REF = "#/components/schemas/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Every logged-in write may meet a database constraint that a concurrent request made bite.
ALWAYS = frozenset({ConflictCode.CONFLICT})

DESCRIPTIONS = {
    400: "The request body is not JSON.",
    401: "Missing, invalid or expired token.",
    403: "The caller's role may not do this.",
    404: "Unknown, or not visible to the caller.",
    409: "A rule refuses the request given what is stored; see `conflicts[].code`.",
    412: "Stale `If-Match`: the resource changed since you read it.",
    422: "Malformed or out-of-bounds input; see `errors`.",
}
HEADERS = {
    401: {"WWW-Authenticate": "`Bearer`."},
    429: {"Retry-After": "Seconds to wait before trying again."},
    503: {"Retry-After": "Seconds to wait before trying again."},
}
# The fields that some codes add to a conflict item, typed.
EXTRA_FIELDS: dict[ConflictCode, dict[str, dict[str, Any]]] = {
    ConflictCode.ALLERGY: {
        "substance_code": {"type": "string", "description": "the substance the allergy covers."}
    },
    ConflictCode.CONTRAINDICATION: {
        "contraindication_code": {
            "type": "string",
            "description": "the contraindication of the latest intake.",
        }
    },
    ConflictCode.UNPLACEABLE: {
        "step": {"type": "integer", "description": "the course step that has no slot."},
        "date": {
            "type": "string",
            "format": "date",
            "description": "the clinic-local date the step was meant for.",
        },
    },
}

F = TypeVar("F", bound=Callable[..., Any])


def may_forbid(dependency: F) -> F:
    """Mark a dependency that may answer 403, so that its routes document it."""
    dependency.__dict__["may_forbid"] = True
    return dependency


def problem(status: int, description: str | None = None) -> Responses:
    """A route's declaration of a status the derivation cannot see (a 403 raised by a service,
    a 429), or of its own description of a derived one."""
    return {status: {"description": description or DESCRIPTIONS[status]}}


def conflicts(
    *codes: Iterable[ConflictCode] | ConflictCode, description: str | None = None
) -> Responses:
    """A route's declaration of the 409 codes it answers (beyond `conflict`): codes or sets of
    codes, usually the tables of the services that raise them."""
    flat: set[ConflictCode] = set()
    for code in codes:
        flat |= {code} if isinstance(code, ConflictCode) else set(code)
    return {409: {"description": description or DESCRIPTIONS[409], _CODES: frozenset(flat)}}


@dataclass(frozen=True)
class RouteProblems:
    """What a route can answer besides success: status → description, and its 409 codes."""

    statuses: dict[int, str]
    conflict_codes: frozenset[ConflictCode]


def _nodes(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _nodes(sub)


def _takes_json(nodes: list[Dependant]) -> bool:
    return any(
        not isinstance(p.field_info, params.Form | params.File)
        for n in nodes
        for p in n.body_params
    )


def route_problems(route: APIRoute) -> RouteProblems:
    """The error statuses and 409 codes of one route (see the module's rules)."""
    nodes = list(_nodes(route.dependant))
    calls = [n.call for n in nodes if n.call is not None]
    secured = any(isinstance(call, SecurityBase) for call in calls)
    headers = {p.alias.lower() for n in nodes for p in n.header_params}
    has_input = any(
        n.path_params or n.query_params or n.header_params or n.cookie_params or n.body_params
        for n in nodes
    )
    derived = {
        400: _takes_json(nodes),
        401: secured,
        403: secured and any(getattr(call, "may_forbid", False) for call in calls),
        404: any(n.path_params for n in nodes),
        409: secured and bool((route.methods or set()) & WRITE_METHODS),
        412: "if-match" in headers,
        422: has_input,
    }
    statuses = {status: DESCRIPTIONS[status] for status, applies in derived.items() if applies}
    codes: frozenset[ConflictCode] = frozenset()
    for status, declared in route.responses.items():
        code = int(status)
        if code < 400:
            continue
        statuses[code] = declared.get("description") or DESCRIPTIONS.get(code, "")
        if code == 409:
            codes = frozenset(declared.get(_CODES, ()))
    if 409 in statuses:
        codes |= ALWAYS
    return RouteProblems(dict(sorted(statuses.items())), codes)


def api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every documented route, through included routers (which FastAPI keeps nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            if route.include_in_schema:
                yield route
        elif (included := getattr(route, "original_router", None)) is not None:
            yield from api_routes(included.routes)


def documented_conflicts(app: FastAPI) -> dict[tuple[str, str], frozenset[str]]:
    """(method, path) → the 409 codes its operation documents, for the server's own check."""
    table: dict[tuple[str, str], frozenset[str]] = {}
    for route in api_routes(app.routes):
        codes = frozenset(str(code) for code in route_problems(route).conflict_codes)
        for method in route.methods or ():
            table[(method, route.path_format)] = codes
    return table


# --- The schemas -------------------------------------------------------------------------

_PROBLEM_PROPERTIES: dict[str, Any] = {
    "type": {
        "type": "string",
        "format": "uri",
        "description": f"`{PROBLEM_TYPE_PREFIX}<slug>`, or `about:blank` for a plain HTTP error.",
    },
    "title": {"type": "string", "description": "The status's phrase."},
    "status": {"type": "integer", "minimum": 400, "maximum": 599},
    "detail": {"type": "string", "description": "What went wrong, for a person."},
    "instance": {"type": "string", "format": "uri-reference"},
}
_REQUIRED = ["type", "title", "status", "detail"]


def _problem_schema(
    title: str, description: str, status: int | None = None, **extra: Any
) -> dict[str, Any]:
    properties = dict(_PROBLEM_PROPERTIES)
    if status is not None:
        properties["status"] = {"type": "integer", "enum": [status]}
    properties.update(extra)
    return {
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": _REQUIRED + list(extra),
    }


def _conflict_item_schema(title: str, codes: Iterable[ConflictCode]) -> dict[str, Any]:
    ordered = [code for code in ConflictCode if code in set(codes)]
    properties: dict[str, Any] = {
        "code": {"type": "string", "enum": [str(code) for code in ordered]},
        "detail": {"type": "string"},
    }
    for code in ordered:
        for name, schema in EXTRA_FIELDS.get(code, {}).items():
            properties[name] = {**schema, "description": f"With `{code}`: {schema['description']}"}
    return {
        "title": title,
        "description": "One reason a rule refused the request, by its stable `code`.",
        "type": "object",
        "properties": properties,
        "required": ["code", "detail"],
        "additionalProperties": False,
    }


def _conflict_schemas(name: str, codes: Iterable[ConflictCode]) -> dict[str, dict[str, Any]]:
    item = f"{name}Item"
    problem_schema = _problem_schema(
        name,
        "409: a well-formed request that a rule refuses given what is stored.",
        409,
        conflicts={"type": "array", "items": {"$ref": REF + item}, "minItems": 1},
    )
    return {name: problem_schema, item: _conflict_item_schema(item, codes)}


def base_schemas() -> dict[str, dict[str, Any]]:
    return {
        "Problem": _problem_schema("Problem", "RFC 9457 problem details."),
        "FieldError": {
            "title": "FieldError",
            "type": "object",
            "properties": {
                "loc": {
                    "type": "array",
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "description": "Where: `body`, `query`, `path` or `header`, then names.",
                },
                "msg": {"type": "string"},
                "type": {"type": "string"},
            },
            "required": ["loc", "msg", "type"],
            "additionalProperties": False,
        },
        "ValidationProblem": _problem_schema(
            "ValidationProblem",
            "422: the request is malformed or out of bounds by itself.",
            422,
            errors={"type": "array", "items": {"$ref": REF + "FieldError"}},
        ),
        **_conflict_schemas("ConflictProblem", ConflictCode),
    }


def _pascal(operation_id: str) -> str:
    words = re.split(r"[^0-9A-Za-z]+", operation_id)
    return "".join(word[:1].upper() + word[1:] for word in words if word)


def _response(status: int, description: str, schema: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "description": description,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF + schema}}},
    }
    if status in HEADERS:
        doc["headers"] = {
            name: {"description": text, "schema": {"type": "string"}}
            for name, text in HEADERS[status].items()
        }
    return doc


def document_problems(app: FastAPI, doc: dict[str, Any]) -> None:
    """Replace the error responses of every operation of `doc` by the derived ones."""
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(base_schemas())
    for route in api_routes(app.routes):
        found = route_problems(route)
        for method in route.methods or ():
            operation = doc["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation["responses"]
            for status in [s for s in responses if s[0] in "45"]:
                del responses[status]
            for status, description in found.statuses.items():
                if status == 409:
                    name = _pascal(operation["operationId"]) + "Conflict"
                    schemas.update(_conflict_schemas(name, found.conflict_codes))
                elif status == 422:
                    name = "ValidationProblem"
                else:
                    name = "Problem"
                responses[str(status)] = _response(status, description, name)
            operation["responses"] = dict(sorted(responses.items()))


def install_problem_docs(app: FastAPI) -> None:
    """Have `app.openapi()` document every error response as above, and give the error
    handlers the table of documented 409 codes (`api.errors.check_documented`). Called once
    every router is included."""
    generate = app.openapi
    documented: list[dict[str, Any]] = []  # the document last rewritten (FastAPI caches it)

    def openapi() -> dict[str, Any]:
        doc = generate()
        if not documented or documented[0] is not doc:
            document_problems(app, doc)
            documented[:] = [doc]
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.documented_conflicts = documented_conflicts(app)
