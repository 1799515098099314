"""One exception tree for the whole application, turned into RFC 9457 problems in one place
(their schemas in the OpenAPI document: `api.common.responses`).

Services raise `DomainError` subclasses; the handlers registered by `install_handlers` are the
only code that turns an error into an HTTP response.
"""

import logging
import re
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from api.vocabulary import ConflictCode

log = logging.getLogger(__name__)
# A 409 whose codes its operation does not document: a bug, which the tests turn into a failure.
contract_log = logging.getLogger("api.errors.contract")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:meso-clinic:problem:"


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str = "value_error"


class ConflictItem(BaseModel):
    """One reason a rule refused a request; extra keys (`substance_code`, `step`…) are allowed."""

    model_config = ConfigDict(extra="allow")

    code: ConflictCode
    detail: str


class DomainError(Exception):
    status: int = 500
    slug: str = "internal"

    def __init__(self, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}

    def extra(self) -> dict[str, Any]:
        return {}


class NotAuthenticated(DomainError):
    status = 401
    slug = "not-authenticated"

    def __init__(self, detail: str = "Missing, invalid or expired credentials.") -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(DomainError):
    status = 403
    slug = "forbidden"

    def __init__(self, detail: str = "Your role may not do this.") -> None:
        super().__init__(detail)


class NotFound(DomainError):
    status = 404
    slug = "not-found"

    def __init__(self, what: str = "Resource") -> None:
        super().__init__(f"{what} not found.")


class PreconditionFailed(DomainError):
    status = 412
    slug = "precondition-failed"

    def __init__(self, detail: str = "The resource changed since you read it (If-Match).") -> None:
        super().__init__(detail)


class TooManyRequests(DomainError):
    status = 429
    slug = "too-many-requests"

    def __init__(self, detail: str, retry_after_seconds: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_seconds))})


class InvalidInput(DomainError):
    """422 for input that is wrong by itself, raised by services after schema validation."""

    status = 422
    slug = "validation-error"

    def __init__(self, loc: Sequence[str | int], msg: str) -> None:
        super().__init__(msg)
        self.errors = [FieldError(loc=list(loc), msg=msg)]

    def extra(self) -> dict[str, Any]:
        return {"errors": [e.model_dump() for e in self.errors]}


class RuleConflict(DomainError):
    """409: a well-formed request that a rule refuses given what is stored."""

    status = 409
    slug = "conflict"

    def __init__(self, conflicts: Sequence[ConflictItem]) -> None:
        super().__init__("; ".join(c.detail for c in conflicts) or "Conflict.")
        self.conflicts = list(conflicts)

    @classmethod
    def one(cls, code: ConflictCode, detail: str, **extra: Any) -> "RuleConflict":
        return cls([ConflictItem(code=code, detail=detail, **extra)])

    def extra(self) -> dict[str, Any]:
        return {"conflicts": [c.model_dump() for c in self.conflicts]}


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_PREFIX + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_MEDIA_TYPE)


# A 422 lists at most this many errors: a hostile body of thousands of bad items must not
# produce an answer many times its own size.
MAX_LISTED_ERRORS = 30


def _field_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in exc.errors()[:MAX_LISTED_ERRORS]
    ]


def check_documented(request: Request, codes: Sequence[str]) -> None:
    """Log an error when a 409 names a code that its operation's document does not list
    (`api.common.responses` derives the table from the routes and sets it on the app)."""
    table: dict[tuple[str, str], frozenset[str]] | None = getattr(
        request.app.state, "documented_conflicts", None
    )
    path: str = getattr(request.scope.get("route"), "path_format", "")
    documented = table.get((request.method, path)) if table is not None else None
    if documented is None:  # not a documented route (a test's own, added later)
        return
    if undocumented := sorted(set(map(str, codes)) - documented):
        contract_log.error(
            "409 codes %s are not documented for %s %s", undocumented, request.method, path
        )


async def _on_domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    if isinstance(exc, RuleConflict):
        check_documented(request, [c.code for c in exc.conflicts])
    return problem_response(
        exc.status, exc.detail, slug=exc.slug, headers=exc.headers, **exc.extra()
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = _field_errors(exc)
    if any(err["type"] == "json_invalid" for err in errors):
        return problem_response(400, "The request body is not valid JSON.", slug="bad-request")
    total = len(exc.errors())
    detail = "The request is malformed or out of bounds."
    if total > len(errors):
        detail += f" {total} errors; the first {len(errors)} are listed."
    return problem_response(422, detail, slug="validation-error", errors=errors)


def _allowed_methods(request: Request) -> str | None:
    """Every documented method at this path (Starlette names only the first route's)."""
    index: list[tuple[re.Pattern[str], set[str]]] | None = getattr(
        request.app.state, "allow_index", None
    )
    if index is None:
        index = [
            (compile_path(path)[0], {method.upper() for method in operations})
            for path, operations in request.app.openapi().get("paths", {}).items()
        ]
        request.app.state.allow_index = index
    methods: set[str] = set()
    for regex, path_methods in index:
        if regex.match(request.url.path):
            methods |= path_methods
    return ", ".join(sorted(methods)) if methods else None


async def _on_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (allowed := _allowed_methods(request)):
        headers["Allow"] = allowed
    return problem_response(exc.status_code, str(exc.detail), headers=headers)


async def _on_integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # Services check first and give the precise reason; this is the last line of defence
    # when a concurrent writer won the race and a database constraint refused the change.
    log.info("integrity error turned into 409: %s", exc)
    check_documented(request, [ConflictCode.CONFLICT])
    return problem_response(
        409,
        "The change conflicts with stored data.",
        slug="conflict",
        conflicts=[
            {"code": ConflictCode.CONFLICT, "detail": "A database constraint refused the change."}
        ],
    )


async def _on_data_error(_request: Request, exc: Exception) -> JSONResponse:
    # Input the database cannot store at all (a NUL character, a number beyond a column's
    # range) that slipped past the schemas: still the client's input, so 422, never 500.
    log.info("data error turned into 422: %s", exc)
    return problem_response(
        422,
        "A value cannot be stored.",
        slug="validation-error",
        errors=[{"loc": ["body"], "msg": "A value cannot be stored.", "type": "value_error"}],
    )


# How long a client should wait before retrying when the database cannot be reached.
UNAVAILABLE_RETRY_SECONDS = 5
# PostgreSQL's "try the transaction again" states: a deadlock or a serialization failure.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


def is_retryable(exc: OperationalError) -> bool:
    """Whether the database aborted the transaction only because of a concurrent one."""
    return getattr(exc.orig, "sqlstate", None) in RETRYABLE_SQLSTATES


async def _on_database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    # The database is down, restarting, unreachable or out of connections (or, on SQLite,
    # busy): the request did nothing, and the same request may well succeed shortly.
    log.warning("database unavailable, answered 503: %s", exc)
    detail = (
        "A concurrent change got in the way; try again."
        if isinstance(exc, OperationalError) and is_retryable(exc)
        else "The database is unavailable; try again shortly."
    )
    return problem_response(
        503,
        detail,
        slug="unavailable",
        headers={"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)},
    )


async def _on_unexpected(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "An unexpected error occurred.", slug="internal")


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _on_domain_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(IntegrityError, _on_integrity_error)
    app.add_exception_handler(DataError, _on_data_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(unavailable, _on_database_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
