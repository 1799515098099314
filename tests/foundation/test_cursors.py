"""Pagination cursors (issue 11 point 3): only a cursor the API issued for the very list it is
sent to is read; every other one is a 422 problem naming `["query", "cursor"]`, never a 500.

The lists are the operations of the OpenAPI document with a `cursor` query parameter, so a new
list is fuzzed without touching this file (a new path parameter needs an id in `World.ids`).
Each list is walked as an admin (and the public clinic finder anonymously, by name and with
`near`) with forged cursors: the one from the issue, random bytes, mangled signatures, the
unsigned payload of a real cursor, JSON of every wrong shape and type, and the real cursors of
every other list. Then, with signatures switched off, the same forged payloads reach the
type checks and the database directly (both SQLite and PostgreSQL), still 422.
"""

import base64
import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session

from api.audit.models import AuditEvent
from api.common import pagination
from api.config import Settings
from api.errors import InvalidInput
from api.main import create_app
from tests.constants import NINE_TO_FIVE, TEST_SECRET
from tests.factories import (
    auth_headers,
    make_allergy,
    make_clinic,
    make_follow_up,
    make_intake,
    make_patient,
    make_plan,
    make_practitioner,
    make_session,
    make_time_off,
    make_user,
)

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"
PARIS = "48.8566,2.3522"
TOKYO = "35.6762,139.6503"
PUBLIC = "/api/v1/clinics"


def _cursor_lists(document: dict[str, Any]) -> list[str]:
    """Every GET path of the document whose operation takes a `cursor` query parameter."""
    found = []
    for path, operations in document["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        if any(p["name"] == "cursor" and p["in"] == "query" for p in parameters):
            found.append(path)
    return sorted(found)


def _path_parameters(document: dict[str, Any], path: str) -> list[str]:
    parameters = document["paths"][path]["get"].get("parameters", [])
    return [p["name"] for p in parameters if p["in"] == "path"]


_DOCUMENT = create_app(Settings(database_url="sqlite://", secret_key=TEST_SECRET)).openapi()
LISTS = _cursor_lists(_DOCUMENT)


@dataclass(frozen=True)
class Variant:
    """One way of reading a list: its path, extra query parameters, and who asks."""

    path: str
    query: tuple[tuple[str, str], ...] = ()
    anonymous: bool = False

    @property
    def name(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return (
            f"{self.path}{'?' + query if query else ''}{' (anonymous)' if self.anonymous else ''}"
        )


# The clinic finder has a second order (by distance from `near`) and is public.
EXTRA_VARIANTS = [
    Variant(PUBLIC, anonymous=True),
    Variant(PUBLIC, (("near", PARIS),)),
    Variant(PUBLIC, (("near", PARIS),), anonymous=True),
    Variant(PUBLIC, (("near", TOKYO),)),
]
VARIANTS = [Variant(path) for path in LISTS] + EXTRA_VARIANTS


@dataclass
class World:
    """At least two items in every list, and two of each record lists hang off."""

    headers: dict[str, str]
    ids: dict[str, list[str]] = field(default_factory=dict)

    def url(self, path: str, which: int = 0) -> str:
        for name in _path_parameters(_DOCUMENT, path):
            assert name in self.ids, f"add {name} to the cursor test world for {path}"
            path = path.replace("{" + name + "}", self.ids[name][which])
        return path


@pytest.fixture
def world(db: Session, settings: Settings) -> World:
    admin = make_user(db)
    make_user(db)
    make_user(db)
    paris = make_clinic(db, name="Cursor Paris", latitude=48.87, longitude=2.33)
    make_clinic(db, name="Cursor Lyon", latitude=45.76, longitude=4.84)
    make_clinic(db, name="Cursor Tokyo", timezone="Asia/Tokyo", latitude=35.68, longitude=139.7)
    practitioners = [make_practitioner(db, [paris], hours=NINE_TO_FIVE) for _ in range(2)]
    patients = [make_patient(db, paris) for _ in range(2)]
    start = datetime(2030, 3, 4, 9, tzinfo=UTC)
    sessions = []
    for i, (practitioner, patient) in enumerate(zip(practitioners, patients, strict=True)):
        for day in range(2):
            at = start + timedelta(days=10 * i + day)
            make_time_off(
                db,
                practitioner,
                starts_at=at + timedelta(days=100),
                ends_at=at + timedelta(days=101),
            )
        make_allergy(db, patient, substance_text="latex")
        make_allergy(db, patient, substance_text="nickel")
        make_intake(db, patient, measured_on=date(2026, 1, 10))
        make_intake(db, patient, measured_on=date(2026, 2, 10))
        plan = make_plan(db, patient, practitioner, paris)
        make_plan(db, patient, practitioner, paris, status="proposed")
        session = make_session(db, plan, starts_at=start + timedelta(days=i), status="completed")
        make_session(db, plan, starts_at=start + timedelta(days=i, hours=3))
        sessions.append(session)
        for n in range(2):
            make_follow_up(db, session, reported_on=date(2030, 3, 5 + n), soreness=2, days_lasted=1)
        for action in ("read", "update"):
            db.add(AuditEvent(action=action, resource="patient", patient_id=patient.id))
    db.flush()
    return World(
        headers=auth_headers(admin, settings),
        ids={
            "practitioner_id": [str(p.id) for p in practitioners],
            "patient_id": [str(p.id) for p in patients],
            "session_id": [str(s.id) for s in sessions],
        },
    )


def _get(
    client: TestClient, world: World, variant: Variant, cursor: str | None, which: int = 0
) -> Response:
    params: dict[str, str | int] = {"limit": 1, **dict(variant.query)}
    if cursor is not None:
        params["cursor"] = cursor
    headers = {} if variant.anonymous else world.headers
    response: Response = client.get(world.url(variant.path, which), params=params, headers=headers)
    return response


def _real_cursor(client: TestClient, world: World, variant: Variant, which: int = 0) -> str:
    response = _get(client, world, variant, None, which)
    assert response.status_code == 200, (variant.name, response.text)
    cursor = response.json()["next_cursor"]
    assert isinstance(cursor, str), f"{variant.name} has one page: add rows to the world"
    return cursor


def _assert_refused(response: Response, what: str) -> None:
    assert response.status_code == 422, (what, response.status_code, response.text)
    assert response.headers["content-type"] == PROBLEM, what
    body = response.json()
    assert body["status"] == 422, what
    assert body["type"] == "urn:meso-clinic:problem:validation-error", what
    assert body["errors"] == [
        {"loc": ["query", "cursor"], "msg": "Invalid cursor.", "type": "value_error"}
    ], what


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _json_cursor(text: str) -> str:
    return _b64(text.encode())


def _payload(cursor: str) -> list[Any]:
    value = json.loads(base64.urlsafe_b64decode(cursor.split(".")[0] + "=="))
    assert isinstance(value, list)
    return value


# JSON values (as text, so NaN, huge numbers and lone surrogates can be written) that are not
# a sort key value of any list, and the kinds of key (see `_kind`) for which some are fine.
BAD_VALUES = [
    "null",
    "true",
    "0",
    "1.5",
    "1e999",
    "NaN",
    "-Infinity",
    "1" + "0" * 400,
    "-" + "9" * 30,
    "[]",
    '["a", []]',
    '{"a": 1}',
    '""',
    '"a\\u0000b"',
    '"\\ud800"',
    '"' + "x" * 300 + '"',
    '"not-a-uuid"',
    '"2030-03-04T09:00:00"',
    '"0001-01-01T00:00:00+23:59"',
    '"2030-02-30"',
    '"00000000-0000-0000-0000-000000000000"',
    '"2030-03-04T09:00:00+00:00"',
]
VALID_FOR = {
    "number": {"0", "1.5", "-" + "9" * 30},
    "uuid": {'"00000000-0000-0000-0000-000000000000"'},
    "datetime": {'"2030-03-04T09:00:00+00:00"'},
    "date": set(),
    "text": {
        '""',
        '"not-a-uuid"',
        '"2030-03-04T09:00:00"',
        '"0001-01-01T00:00:00+23:59"',
        '"2030-02-30"',
        '"00000000-0000-0000-0000-000000000000"',
        '"2030-03-04T09:00:00+00:00"',
    },
}
# Values at the ends of what a key holds: read, and answered 200 by both databases.
EDGE_VALUES: dict[str, list[Any]] = {
    "number": [0, -1e30, 1.7976931348623157e308],
    "uuid": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
    "datetime": ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59.999999+00:00"],
    "date": ["0001-01-01", "9999-12-31"],
    "text": ["", "\u00e9\u00e8", "~" * 40],
}
SHAPES = [
    "",
    "not json",
    "null",
    "1",
    '"a"',
    "{}",
    "[]",
    "[null, null, null]",
    "[" * 300 + "]" * 300,
    '["a", "b", "c", "d", "e"]',
    "[NaN, NaN]",
]


def _kind(value: Any) -> str:
    """What kind of sort key a value of a real cursor is for."""
    if isinstance(value, int | float):
        return "number"
    assert isinstance(value, str), value
    try:
        uuid.UUID(value)
        return "uuid"
    except ValueError:
        pass
    try:
        if len(value) == 10:
            date.fromisoformat(value)
            return "date"
        if datetime.fromisoformat(value).tzinfo is not None:
            return "datetime"
    except ValueError:
        pass
    return "text"


def _with(values: list[Any], i: int, text: str) -> str:
    """The JSON list `values` with the value at `i` written as `text`."""
    texts = [json.dumps(v) for v in values]
    texts[i] = text
    return "[" + ",".join(texts) + "]"


def _forged(real: str) -> Iterator[tuple[str, str]]:
    """(what, cursor) pairs for cursors that were never issued, one derived from a real one."""
    yield "the issue's cursor", "WyJhIiwgW11d"
    yield "garbage", "garbage!"
    yield "empty", ""
    yield "dots", "..."
    yield "non-ascii", "\u00e9.\u00fc"
    yield "max length", "A" * pagination.MAX_CURSOR_LENGTH
    rng = random.Random(11)
    for n in (16, 600):
        noise = rng.randbytes(n)
        yield f"random bytes {n}", _b64(noise)
        yield f"random bytes {n}, signed shape", f"{_b64(noise)}.{_b64(rng.randbytes(16))}"
        yield f"random text {n}", noise.decode("latin-1")[:200]
    for text in SHAPES[::2]:  # all of them, signed, in test_values_are_checked_against_…
        yield f"shape {text[:30]!r}", _json_cursor(text)
    payload, _, signature = real.partition(".")
    values = _payload(real)
    yield "unsigned payload of a real cursor (the old format)", payload
    yield "real payload, no signature", payload + "."
    yield "real signature, no payload", "." + signature
    yield "real cursor twice", f"{real}.{signature}"
    yield "real cursor, padded", real + "=="
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    yield "real payload, altered signature", f"{payload}.{flipped}"
    yield "real payload, truncated signature", f"{payload}.{signature[:-1]}"
    yield "real payload, base64 padding", f"{payload}==.{signature}"
    yield "real signature, first key changed", f"{_json_cursor(_with(values, 0, '0'))}.{signature}"
    yield "real signature, last key changed", f"{_json_cursor(_with(values, -1, '0'))}.{signature}"
    yield (
        "real signature, one key too many",
        _json_cursor(json.dumps([*values, 0])) + f".{signature}",
    )


def test_the_lists_are_discovered() -> None:
    # Every list of the contract; a new list is added here by the document, not by hand.
    assert {
        "/api/v1/users",
        "/api/v1/clinics",
        "/api/v1/practitioners",
        "/api/v1/practitioners/{practitioner_id}/time-off",
        "/api/v1/audit-events",
        "/api/v1/treatment-plans",
        "/api/v1/patients",
        "/api/v1/patients/{patient_id}/allergies",
        "/api/v1/patients/{patient_id}/intakes",
        "/api/v1/sessions",
        "/api/v1/sessions/{session_id}/follow-ups",
        "/api/v1/treatment-areas",
        "/api/v1/allergen-classes",
        "/api/v1/substances",
        "/api/v1/formulations",
        "/api/v1/contraindications",
    } <= set(LISTS)


def test_the_document_under_test_has_the_same_lists(client: TestClient) -> None:
    assert _cursor_lists(client.get("/openapi.json").json()) == LISTS


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_forged_cursors_are_422_and_an_issued_one_walks_on(
    client: TestClient, world: World, variant: Variant
) -> None:
    first = _get(client, world, variant, None)
    real = _real_cursor(client, world, variant)
    for what, cursor in _forged(real):
        _assert_refused(_get(client, world, variant, cursor), f"{variant.name}: {what}")
    second = _get(client, world, variant, real)
    assert second.status_code == 200, second.text
    assert second.json()["items"], variant.name
    assert second.json()["items"] != first.json()["items"]


# One reader of each order (the anonymous clinic finder shares its orders with the admin's).
ORDERS = [v for v in VARIANTS if not v.anonymous]


def test_a_cursor_of_one_list_is_422_on_every_other(client: TestClient, world: World) -> None:
    cursors = {variant: _real_cursor(client, world, variant) for variant in ORDERS}
    for variant in VARIANTS:
        for other, cursor in cursors.items():
            response = _get(client, world, variant, cursor)
            if (other.path, other.query) == (variant.path, variant.query):
                assert response.status_code == 200, (variant.name, response.text)
            else:
                _assert_refused(response, f"{other.name}'s cursor on {variant.name}")


@pytest.mark.parametrize(
    "path", [p for p in LISTS if _path_parameters(_DOCUMENT, p)], ids=lambda p: p
)
def test_a_cursor_of_another_records_list_is_422(
    client: TestClient, world: World, path: str
) -> None:
    # The same route under another patient (practitioner, session) is another list.
    variant = Variant(path)
    theirs = _real_cursor(client, world, variant, which=1)
    _assert_refused(_get(client, world, variant, theirs, which=0), f"{path}: another's cursor")
    assert _get(client, world, variant, theirs, which=1).status_code == 200


def test_a_cursor_signed_with_another_key_is_422(client: TestClient, world: World) -> None:
    variant = Variant("/api/v1/users")
    real = _real_cursor(client, world, variant)
    other = pagination.cursor_key("another-secret-key-that-is-long-enough-to-sign")
    params = pagination.PageParams(limit=1, cursor=None, list_id=variant.path, key=other)
    fields = [
        pagination.CursorField("users.email", str, 254),
        pagination.CursorField("users.id", uuid.UUID),
    ]
    forged = pagination.encode_cursor(params, fields, _payload(real))
    assert forged.split(".")[0] == real.split(".")[0]
    _assert_refused(_get(client, world, variant, forged), "signed with another key")


@pytest.fixture
def unsigned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every cursor's signature is "sig": forged payloads reach the type checks and the SQL."""
    monkeypatch.setattr(pagination, "_signature", lambda *_args: "sig")


@pytest.mark.usefixtures("unsigned")
@pytest.mark.parametrize("variant", ORDERS, ids=lambda v: v.name)
def test_values_are_checked_against_the_sort_keys(
    client: TestClient, world: World, variant: Variant
) -> None:
    real = _real_cursor(client, world, variant)
    assert real.endswith(".sig")
    values = _payload(real)

    def get(text: str) -> Response:
        return _get(client, world, variant, _json_cursor(text) + ".sig")

    for text in SHAPES:
        _assert_refused(get(text), f"{variant.name}: shape {text[:30]}")
    for i, value in enumerate(values):
        kind = _kind(value)
        for bad in BAD_VALUES:
            if bad not in VALID_FOR[kind] and json.loads(bad) != value:
                _assert_refused(get(_with(values, i, bad)), f"{variant.name}: key {i} = {bad}")
        for edge in EDGE_VALUES[kind]:
            response = get(_with(values, i, json.dumps(edge)))
            assert response.status_code == 200, (variant.name, i, edge, response.text)


@pytest.mark.parametrize("kind", sorted(EDGE_VALUES))
def test_decoding_checks_every_value(kind: str) -> None:
    # Straight through decode_cursor: every bad value for every kind of key, and each key
    # position of a three-key order.
    python_type = {
        "number": float,
        "uuid": uuid.UUID,
        "datetime": datetime,
        "date": date,
        "text": str,
    }[kind]
    key = pagination.cursor_key(TEST_SECRET)
    fields = [pagination.CursorField(name, python_type, 100) for name in "abc"]

    def cursor(payload: str) -> pagination.PageParams:
        signature = pagination._signature(key, "/l", fields, payload)
        return pagination.PageParams(1, f"{payload}.{signature}", "/l", key)

    edge = EDGE_VALUES[kind][0]
    for i in range(3):
        for bad in BAD_VALUES:
            if bad not in VALID_FOR[kind]:
                text = _with([edge] * 3, i, bad)
                with pytest.raises(InvalidInput) as caught:
                    pagination.decode_cursor(cursor(_json_cursor(text)), fields)
                assert caught.value.errors[0].loc == ["query", "cursor"], text
    for value in EDGE_VALUES[kind]:
        issued = pagination.encode_cursor(cursor(""), fields, [value] * 3)
        decoded = pagination.decode_cursor(pagination.PageParams(1, issued, "/l", key), fields)
        assert [pagination._encode_value(v) for v in decoded] == [value] * 3
