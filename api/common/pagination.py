"""Keyset pagination: `?limit=&cursor=` → `{"items": [...], "next_cursor": …}` for every list.

The cursor is an opaque, URL-safe encoding of the sort key of the last item returned, so a page
costs one statement and inserts between pages cause neither duplicates nor gaps.

A cursor is `<payload>.<signature>`: the payload is the base64url JSON list of those values,
the signature an HMAC-SHA256 (truncated to 128 bits) under a key derived from the settings'
signing key, over the list the cursor belongs to (route template, path parameters and sort
order) and the payload. Only cursors the API issued for that very list are read; any other
(forged, mangled, or issued by another list) is a 422 naming `["query", "cursor"]`, never a
500. Each value is also checked against the type of its sort key before it reaches SQL, so
even a cursor signed by mistake cannot make a statement fail. A cursor does not outlive a
change of `SECRET_KEY`.
"""

import base64
import binascii
import hashlib
import hmac
import json
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query, Request
from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.errors import InvalidInput

T = TypeVar("T")
M = TypeVar("M")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
MAX_CURSOR_LENGTH = 1000

# The range of a 64-bit signed integer: what both databases store in a BIGINT.
_MIN_INT = -(2**63)
_MAX_INT = 2**63 - 1
_SIGNATURE_BYTES = 16
_PART = re.compile(r"[A-Za-z0-9_-]+")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    # Which list the page is of (route template and path parameters): a cursor names it.
    list_id: str
    # The key cursors of this application are signed with.
    key: bytes


@lru_cache(maxsize=8)
def cursor_key(signing_key: str) -> bytes:
    """The cursor key for a signing key: derived, so a cursor is never a token's signature."""
    return hmac.new(signing_key.encode(), b"meso-clinic pagination cursor v1", "sha256").digest()


def list_id(request: Request) -> str:
    """The list a request reads: its route's path template and the path parameters given."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path
    params = request.path_params
    if not params:
        return str(path)
    return json.dumps([path, sorted(params.items())], separators=(",", ":"))


async def page_params(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size, 1–200.")] = (
        DEFAULT_LIMIT
    ),
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_CURSOR_LENGTH,
            description="`next_cursor` of the previous page of this same list.",
        ),
    ] = None,
) -> PageParams:
    key = cursor_key(request.app.state.settings.signing_key)
    return PageParams(limit=limit, cursor=cursor, list_id=list_id(request), key=key)


PageDep = Annotated[PageParams, Depends(page_params)]


@dataclass(frozen=True)
class CursorField:
    """One value a cursor carries: its name (part of the order a cursor belongs to) and what a
    value of it may be."""

    name: str
    python_type: type
    max_length: int | None = None
    nullable: bool = False


@dataclass(frozen=True)
class SortKey:
    column: InstrumentedAttribute[Any]
    descending: bool = False

    @property
    def field(self) -> CursorField:
        column = self.column
        table = getattr(column.class_, "__tablename__", column.class_.__name__)
        nullable = bool(getattr(column.expression, "nullable", False))
        return CursorField(
            name=f"{table}.{column.key}{' desc' if self.descending else ''}",
            python_type=column.type.python_type,
            max_length=getattr(column.type, "length", None),
            nullable=nullable,
        )


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(key: bytes, list_id: str, fields: Sequence[CursorField], payload: str) -> str:
    order = ",".join(f.name for f in fields)
    message = f"{list_id}\n{order}\n{payload}".encode("utf-8", "surrogatepass")
    return _b64(hmac.new(key, message, hashlib.sha256).digest()[:_SIGNATURE_BYTES])


def encode_cursor(params: PageParams, fields: Sequence[CursorField], values: Sequence[Any]) -> str:
    """The cursor that resumes `params`' list after the item whose sort values are `values`."""
    data = json.dumps([_encode_value(v) for v in values], separators=(",", ":"), allow_nan=False)
    payload = _b64(data.encode())
    return f"{payload}.{_signature(params.key, params.list_id, fields, payload)}"


def _reject_constant(_name: str) -> Any:
    raise ValueError("NaN and infinities are not cursor values")


def _decode_value(raw: Any, field: CursorField) -> Any:
    """`raw` as a value of `field`'s type, or ValueError: only what an issued cursor holds."""
    kind = field.python_type
    if raw is None:
        if field.nullable:
            return None
        raise ValueError("null in cursor")
    if isinstance(raw, str) != (kind in (str, datetime, date, uuid.UUID)):
        raise ValueError("cursor value of the wrong type")
    if kind is str:
        # Text any driver can send and any database compare (PostgreSQL refuses NUL).
        raw.encode()
        if "\x00" in raw or (field.max_length is not None and len(raw) > field.max_length):
            raise ValueError("cursor text no column holds")
        return raw
    if kind is datetime:
        parsed = datetime.fromisoformat(raw)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime in cursor")
        parsed.astimezone(UTC)  # OverflowError at the ends of the calendar
        return parsed
    if kind is date:
        return date.fromisoformat(raw)
    if kind is uuid.UUID:
        return uuid.UUID(raw)
    if isinstance(raw, bool) or kind is bool:
        if kind is bool and isinstance(raw, bool):
            return raw
        raise ValueError("cursor value of the wrong type")
    if kind is int and isinstance(raw, int):
        if not _MIN_INT <= raw <= _MAX_INT:
            raise ValueError("cursor integer out of range")
        return raw
    if kind is float and isinstance(raw, int | float):
        value = float(raw)  # OverflowError for an integer beyond any float
        if not math.isfinite(value):
            raise ValueError("cursor number out of range")
        return value
    raise ValueError("cursor value of the wrong type")


def decode_cursor(params: PageParams, fields: Sequence[CursorField]) -> list[Any]:
    """The values `params.cursor` carries, if this list issued it; 422 otherwise."""
    cursor = params.cursor or ""
    try:
        payload, _, signature = cursor.partition(".")
        if not (_PART.fullmatch(payload) and _PART.fullmatch(signature)):
            raise ValueError("not a cursor")
        expected = _signature(params.key, params.list_id, fields, payload)
        if not hmac.compare_digest(signature, expected):
            raise ValueError("a cursor this list did not issue")
        raw = json.loads(_unb64(payload), parse_constant=_reject_constant)
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError("cursor of the wrong shape")
        return [_decode_value(v, f) for v, f in zip(raw, fields, strict=True)]
    except (
        ValueError,
        TypeError,
        OverflowError,
        RecursionError,
        binascii.Error,
        UnicodeError,
    ) as exc:
        raise InvalidInput(["query", "cursor"], "Invalid cursor.") from exc


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> Any:
    """Rows strictly after `values` in the order given by `keys` (lexicographic)."""
    alternatives = []
    for i, key in enumerate(keys):
        equal_prefix = [k.column == v for k, v in zip(keys[:i], values[:i], strict=True)]
        beyond = key.column < values[i] if key.descending else key.column > values[i]
        alternatives.append(and_(*equal_prefix, beyond))
    return or_(*alternatives)


def paginate(
    db: Session,
    stmt: Select[M],
    keys: Sequence[SortKey],
    params: PageParams,
) -> tuple[list[M], str | None]:
    """One page of `stmt`'s entities ordered by `keys` (the last key must be unique, e.g. id)."""
    if params.cursor is not None:
        fields = [k.field for k in keys]
        stmt = stmt.where(_after(keys, decode_cursor(params, fields)))
    order = [k.column.desc() if k.descending else k.column.asc() for k in keys]
    rows = list(db.scalars(stmt.order_by(*order).limit(params.limit + 1)))
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    last = rows[-1]
    fields = [k.field for k in keys]
    return rows, encode_cursor(params, fields, [getattr(last, k.column.key) for k in keys])
