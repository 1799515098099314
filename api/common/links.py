"""The OpenAPI links of the document, derived from its paths in one place.

A link tells a client (and schemathesis's stateful tests) where the value a response carries
can go next. Every operation that creates (a `201`) links to every operation on what it
created, found by path: the operations under the created resource's item path
(`POST /patients` → `GET /patients/{patient_id}`, `POST /patients/{patient_id}/allergies`, …),
with the new resource's `id` (or `code`, for the catalogue) as that path parameter, and the
create's own path parameters passed on (`POST /practitioners/{practitioner_id}/time-off` →
`DELETE …/time-off/{time_off_id}` keeps `practitioner_id`, and links to the list it joined,
`GET …/time-off`). Beyond its paths, a resource is
named by an id elsewhere: a query filter (`GET /sessions?clinic_id=`) or a body field
(`POST /sessions {"treatment_plan_id"}`) of the same name, of an operation with no path
parameters, which get links too. A single
resource read (`GET` with `ETag`) links to the `PATCH` of the same path, passing its `ETag` as
`If-Match`. A test checks that every link names an existing operation and parameter.
"""

from typing import Any

from fastapi import FastAPI

from api.common.openapi_steps import extend_openapi

# An id's name in the item path, where the rest of the API calls the same thing otherwise.
ALIASES = {"plan_id": ("treatment_plan_id",)}
# Creates whose 201 is not the resource itself: (pointer to an id, the collection it is in).
BULK = {"scheduleCourse": ("/sessions/0/id", "/api/v1/sessions")}

_METHODS = ("get", "put", "post", "patch", "delete")
_REF = "#/components/schemas/"


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in _METHODS
    ]


def _schema(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    if ref.startswith(_REF):
        return dict(doc["components"]["schemas"][ref.removeprefix(_REF)])
    return schema


def _success_schema(doc: dict[str, Any], operation: dict[str, Any], status: str) -> dict[str, Any]:
    content = operation["responses"].get(status, {}).get("content", {})
    return _schema(doc, content.get("application/json", {}).get("schema", {}))


def _params(operation: dict[str, Any], where: str) -> list[str]:
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == where]


def _body_properties(doc: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = _schema(doc, content.get("application/json", {}).get("schema", {}))
    return set(schema.get("properties", {}))


def _item_param(path: str, create_path: str) -> str | None:
    """`{name}` when `path` is the item path of what `POST create_path` creates, or under it."""
    rest = path.removeprefix(create_path + "/")
    if rest == path or not rest.startswith("{"):
        return None
    return rest[1 : rest.index("}")]


def _link_name(operation_id: str) -> str:
    return operation_id[:1].upper() + operation_id[1:]


def create_links(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, method) of each create → its links, by name."""
    operations = _operations(doc)
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path, method, operation in operations:
        if method != "post" or "201" not in operation["responses"]:
            continue
        properties = _success_schema(doc, operation, "201").get("properties", {})
        pointer, collection = BULK.get(operation["operationId"], ("", path))
        own = _params(operation, "path") if collection == path else []
        links: dict[str, Any] = {}
        name = None
        for target_path, _, target in operations:
            param = _item_param(target_path, collection)
            # Only where every path parameter is known: the new id and the create's own.
            if param is None or set(_params(target, "path")) - {param, *own}:
                continue
            if not pointer:
                field = "id" if "id" in properties else param
                if field not in properties:
                    continue
                pointer = f"/{field}"
            name = param
            parameters = {f"path.{param}": f"$response.body#{pointer}"}
            parameters |= {f"path.{p}": f"$request.path.{p}" for p in own}
            links[_link_name(target["operationId"])] = {
                "operationId": target["operationId"],
                "parameters": parameters,
            }
        listing = doc["paths"][path].get("get")
        if own and listing is not None:
            links[_link_name(listing["operationId"])] = {
                "operationId": listing["operationId"],
                "parameters": {f"path.{p}": f"$request.path.{p}" for p in own},
            }
        if name is not None:
            links |= _reference_links(doc, operations, collection, name, pointer)
        if links:
            found[(path, method)] = links
    return found


def _reference_links(
    doc: dict[str, Any],
    operations: list[tuple[str, str, dict[str, Any]]],
    create_path: str,
    name: str,
    pointer: str,
) -> dict[str, Any]:
    """Links to the operations that name the created resource by a query filter or a body
    field (not in their path: those are the item links)."""
    if not name.endswith("_id"):
        return {}
    names = (name, *ALIASES.get(name, ()))
    links: dict[str, Any] = {}
    for target_path, _, target in operations:
        # Not the item links, nor where a path parameter would be unknown.
        if _item_param(target_path, create_path) is not None or _params(target, "path"):
            continue
        parameters = {
            f"query.{n}": f"$response.body#{pointer}"
            for n in names
            if n in _params(target, "query")
        }
        body = {n: f"$response.body#{pointer}" for n in names if n in _body_properties(doc, target)}
        if not parameters and not body:
            continue
        link: dict[str, Any] = {"operationId": target["operationId"]}
        if parameters:
            link["parameters"] = parameters
        if body:
            link["requestBody"] = body
        links[_link_name(target["operationId"])] = link
    return links


def etag_links(doc: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(path, "get") of each read that sends an `ETag` → a link to the `PATCH` of its path."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for path, item in doc["paths"].items():
        read, change = item.get("get"), item.get("patch")
        if read is None or change is None:
            continue
        if "ETag" not in read["responses"].get("200", {}).get("headers", {}):
            continue
        if "If-Match" not in _params(change, "header"):
            continue
        parameters = {f"path.{p}": f"$request.path.{p}" for p in _params(read, "path")}
        parameters["header.If-Match"] = "$response.header.ETag"
        found[(path, "get")] = {
            _link_name(change["operationId"]): {
                "operationId": change["operationId"],
                "parameters": parameters,
            }
        }
    return found


def document_links(doc: dict[str, Any]) -> None:
    """Add the links of the module's rules to the success responses of `doc`."""
    for (path, method), links in create_links(doc).items():
        doc["paths"][path][method]["responses"]["201"].setdefault("links", {}).update(links)
    for (path, method), links in etag_links(doc).items():
        doc["paths"][path][method]["responses"]["200"].setdefault("links", {}).update(links)


def install_links(app: FastAPI) -> None:
    """Have `app.openapi()` carry the links (called after `install_problem_docs`)."""
    extend_openapi(app, document_links)
