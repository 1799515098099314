"""The OpenAPI document says every constraint the server enforces that JSON Schema can say
(`api.common.types`): a front end (and schemathesis' positive tests) may rely on "valid by the
document" meaning "not refused for its shape". The walk checks the specific constraints; the
property tests check, field by field, that the document and the server agree on every value."""

import json
import re
import uuid
from decimal import Decimal
from typing import Annotated, Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.catalogue.schemas import FormulationCreate, SubstanceCreate
from api.clinics.schemas import ClinicCreate, PriceIn
from api.config import Settings
from api.main import create_app
from api.patients.schemas import AllergyCreate, AllergyUpdate, IntakeCreate, PatientCreate
from api.plans.schemas import PlanCreate
from api.practitioners.schemas import PractitionerCreate, TimeOffCreate
from api.scheduling.schemas import SessionBook, SessionCancel
from api.sessions.schemas import FollowUpCreate
from api.users.schemas import UserCreate
from tests.constants import TEST_SECRET

DOCUMENT = create_app(Settings(secret_key=TEST_SECRET)).openapi()
COMPONENTS = DOCUMENT["components"]["schemas"]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _request_schemas() -> dict[str, dict[str, Any]]:
    """Every schema a request body refers to, directly or through its properties."""
    found: dict[str, dict[str, Any]] = {}

    def visit(schema: Any) -> None:
        if isinstance(schema, dict):
            if "$ref" in schema:
                name = schema["$ref"].rsplit("/", 1)[1]
                if name not in found:
                    found[name] = COMPONENTS[name]
                    visit(COMPONENTS[name])
            for value in schema.values():
                visit(value)
        elif isinstance(schema, list):
            for value in schema:
                visit(value)

    for operations in DOCUMENT["paths"].values():
        for operation in operations.values():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                visit(media["schema"])
    return found


REQUEST_SCHEMAS = _request_schemas()


def _branches(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null alternatives of a property (`X | None` is `anyOf` with null)."""
    options = schema.get("anyOf", [schema])
    return [_resolve(o) for o in options if o != {"type": "null"}]


def _strings() -> list[tuple[str, dict[str, Any]]]:
    """(where, schema) of every string a JSON request body holds: properties and list items
    (the token endpoint's form is OAuth2's, not ours: a NUL there is a failed login)."""
    found = []
    for name, component in REQUEST_SCHEMAS.items():
        if name.startswith("Body_"):
            continue
        for prop, schema in component.get("properties", {}).items():
            for branch in _branches(schema):
                if branch.get("type") == "array":
                    branch = _resolve(branch["items"])
                if branch.get("type") == "string":
                    found.append((f"{name}.{prop}", branch))
    return found


def _regex(pattern: str) -> re.Pattern[str]:
    # JSON Schema patterns match anywhere (ECMA 262), as `re.search` does.
    return re.compile(pattern)


def _property(component: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = COMPONENTS[component]["properties"][name]
    return found


# --- the walk -------------------------------------------------------------------------------


def test_the_walk_sees_the_request_bodies() -> None:
    assert {"PatientCreate", "ClinicCreate", "IntakeCreate", "AllergyCreate"} <= set(
        REQUEST_SCHEMAS
    )


@pytest.mark.parametrize(("where", "schema"), _strings(), ids=[w for w, _ in _strings()])
def test_every_text_of_a_request_refuses_nul_in_the_document(
    where: str, schema: dict[str, Any]
) -> None:
    if "enum" in schema or schema.get("format") in {"uuid", "email", "password"}:
        return  # a closed list, or a format that has no NUL in it
    assert "pattern" in schema, where
    assert not _regex(schema["pattern"]).search("a\x00b"), where


def test_the_phone_is_e164_by_pattern() -> None:
    (phone,) = _branches(_property("PatientCreate", "phone"))
    pattern = _regex(phone["pattern"])
    for accepted in ("+33612345678", "+33 6 12 34 56 78", "+6834002"):
        assert pattern.search(accepted), accepted
    for refused in ("0612345678", "+1234", "call me maybe", "+33  612345678", "+0612345678"):
        assert not pattern.search(refused), refused
    assert "numbering plan" in phone["description"]


def test_the_time_zone_is_the_list_of_iana_zones() -> None:
    schema = _resolve(_property("ClinicCreate", "timezone"))
    assert {"Europe/Paris", "Asia/Tokyo", "America/New_York", "UTC"} <= set(schema["enum"])
    assert not {"Factory", "localtime", "posixrules", "Mars/Olympus"} & set(schema["enum"])
    (update,) = _branches(_property("ClinicUpdate", "timezone"))
    assert update == schema
    assert "FR" in _resolve(_property("ClinicCreate", "country"))["enum"]
    currencies = _resolve(_property("ClinicCreate", "currency"))["enum"]
    assert {"EUR", "JPY", "KWD"} <= set(currencies)
    assert "CLF" not in currencies  # four minor-unit digits


UNIQUE_LISTS = [
    (PlanCreate, "area_codes", ["thighs", "thighs"]),
    (IntakeCreate, "goals", ["cellulite", "cellulite"]),
    (IntakeCreate, "contraindications", ["diabetes", "diabetes"]),
    (SubstanceCreate, "allergen_classes", ["soy", "soy"]),
    (FormulationCreate, "indications", ["cellulite", "cellulite"]),
]


@pytest.mark.parametrize(
    ("model", "name", "repeated"),
    UNIQUE_LISTS,
    ids=[f"{m.__name__}.{n}" for m, n, _ in UNIQUE_LISTS],
)
def test_lists_that_refuse_repeats_say_unique_items(
    model: type[BaseModel], name: str, repeated: list[str]
) -> None:
    (schema,) = _branches(_property(model.__name__, name))
    assert schema["uniqueItems"] is True
    with pytest.raises(ValidationError) as refused:
        model.model_validate({name: repeated})
    assert (name,) in {error["loc"][:1] for error in refused.value.errors()}


def _valid(schema: dict[str, Any], value: Any) -> bool:
    document = {**schema, "components": DOCUMENT["components"]}
    validator = jsonschema_rs.validator_for(document, validate_formats=True)
    return bool(validator.is_valid(value))


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({"substance_code": "lidocaine"}, True),
        ({"allergen_class": "soy", "substance_code": None}, True),
        ({"substance_text": "soja"}, True),
        ({}, False),
        ({"substance_code": "lidocaine", "allergen_class": "soy"}, False),
        ({"substance_code": None}, False),
    ],
)
def test_an_allergy_names_exactly_one_allergen_by_one_of(body: dict[str, Any], valid: bool) -> None:
    schema = COMPONENTS["AllergyCreate"]
    assert len(schema["oneOf"]) == 3
    assert _valid(schema, body) is valid
    try:
        AllergyCreate.model_validate(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is valid


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        ({}, True),
        ({"severity": "mild"}, True),
        ({"substance_text": "soja", "allergen_class": None}, True),
        ({"substance_code": None}, False),
        ({"substance_code": "lidocaine", "substance_text": "soja"}, False),
        ({"severity": None}, False),
    ],
)
def test_an_allergy_update_names_no_allergen_or_exactly_one(
    body: dict[str, Any], valid: bool
) -> None:
    assert _valid(COMPONENTS["AllergyUpdate"], body) is valid
    try:
        AllergyUpdate.model_validate(body)
        accepted = True
    except ValidationError:
        accepted = False
    assert accepted is valid


def _dates_and_times() -> list[tuple[str, dict[str, Any]]]:
    found = [(w, s) for w, s in _strings() if s.get("format") in {"date", "date-time"}]
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for branch in _branches(parameter["schema"]):
                    if branch.get("format") in {"date", "date-time"}:
                        found.append((f"{method} {path} {parameter['name']}", branch))
    return found


@pytest.mark.parametrize(
    ("where", "schema"), _dates_and_times(), ids=[w for w, _ in _dates_and_times()]
)
def test_every_date_and_date_time_says_the_year_bound(where: str, schema: dict[str, Any]) -> None:
    pattern = _regex(schema["pattern"])
    time = "T09:00:00+01:00" if schema["format"] == "date-time" else ""
    for year in ("1900", "2026", "2200"):
        assert pattern.search(f"{year}-03-02{time}"), (where, year)
    for year in ("1899", "2201", "0001", "9999"):
        assert not pattern.search(f"{year}-03-02{time}"), (where, year)


def test_the_decimal_rule_is_in_the_document() -> None:
    weight = _property("IntakeCreate", "weight_kg")
    kinds = {branch["type"]: branch for branch in weight["anyOf"]}
    assert set(kinds) == {"string", "number"}
    assert (kinds["number"]["minimum"], kinds["number"]["maximum"]) == (30, 300)
    assert _regex(kinds["string"]["pattern"]).search("62.5")
    price = {branch["type"]: branch for branch in _property("PriceIn", "price")["anyOf"]}
    assert set(price) == {"string", "integer"}  # money is never a fractional JSON number


# --- the document and the server agree, value by value -------------------------------------

# Values near the edges of every rule: decimal strings and numbers around the bounds, text
# with NUL and whitespace, dates and times around the year bounds, and whatever else.
_DIGITS = st.from_regex(r"\A[0-9]{1,4}(\.[0-9]{1,4})?\Z")
_NUMBERS = st.one_of(
    st.integers(-10, 400),
    st.floats(-10, 400, allow_nan=False),
    st.decimals(-10, 400, places=3, allow_nan=False).map(float),
    st.sampled_from([5.0, 1e300, 0.1, 0.29, 0.35, 0.555, 375.0, 375.5]),
)
_TEXT = st.one_of(
    st.text(st.sampled_from(" \t\n\x00\x1c\x85\xa0\u3000ab+0-"), max_size=8),
    st.text(max_size=5),
    _DIGITS,
    st.sampled_from(["+33612345678", "+33 6 12 34 56 78", "  name  ", "", "0.50", "1.0", "-1"]),
)
_DATES = st.builds(
    lambda y, rest: f"{y}{rest}",
    st.sampled_from(["1899", "1900", "2026", "2200", "2201", "0001"]),
    st.sampled_from(
        [
            "-03-02",
            "-02-30",
            "-13-01",
            "-03-02T09:00:00+01:00",
            "-03-02T09:00:00.123456Z",
            "-03-02T09:00:00.1234567Z",
            "-03-02T09:00+01:00",
            "-03-02 09:00:00+01:00",
            "-03-02t09:00:00z",
            "-03-02T09:00:00",
            "-03-02T24:00:00Z",
            "-03-02T09:00:60Z",
        ]
    ),
)
_EMAILS = st.one_of(
    st.emails().map(str),
    st.sampled_from(
        [
            "ana@example.com",
            "Ana.Lopez+x@Clinic.FR",
            "a..b@c.com",
            "a@b",
            "a@b.c0",
            "a@b.0c",
            "a@x.test",
            "a@x.LOCAL",
            "a@ab--c.com",
            "a@xn--80ak6aa92e.com",
            "é@c.com",
            '"q"@c.com',
            "a" * 65 + "@c.com",
            "a@" + "b" * 64 + ".com",
        ]
    ),
)
VALUES = st.one_of(_NUMBERS, _TEXT, _DATES, _EMAILS, st.booleans(), st.none(), st.just([]))

FIELDS = [
    (IntakeCreate, "weight_kg"),
    (IntakeCreate, "height_cm"),
    (IntakeCreate, "measured_on"),
    (IntakeCreate, "notes"),
    (ClinicCreate, "additional_area_rate"),
    (ClinicCreate, "buffer_minutes"),
    (ClinicCreate, "name"),
    (PriceIn, "price"),
    (PatientCreate, "given_name"),
    (PatientCreate, "email"),
    (PatientCreate, "phone"),
    (UserCreate, "email"),
    (UserCreate, "password"),
    (PatientCreate, "date_of_birth"),
    (PractitionerCreate, "license_expires_on"),
    (TimeOffCreate, "starts_at"),
    (TimeOffCreate, "reason"),
    (SessionBook, "starts_at"),
    (SessionCancel, "reason"),
    (FollowUpCreate, "soreness"),
    (PlanCreate, "sessions_planned"),
]


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    field = model.model_fields[name]
    return TypeAdapter(Annotated[field.annotation, field])  # type: ignore[arg-type]


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=[f"{m.__name__}.{n}" for m, n in FIELDS])
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=VALUES)
def test_the_document_and_the_server_agree_on_every_value(
    model: type[BaseModel], name: str, value: Any
) -> None:
    schema = _property(model.__name__, name)
    adapter = _adapter(model, name)
    try:
        adapter.validate_json(json.dumps(value))
        accepted = True
    except ValidationError:
        accepted = False
    assert _valid(schema, value) is accepted, (value, accepted)


@pytest.mark.parametrize(
    ("role", "link"),
    [
        ("admin", {"clinic_ids": [str(uuid.uuid4())]}),
        ("patient", {"clinic_ids": [str(uuid.uuid4())]}),
        ("receptionist", {"practitioner_id": str(uuid.uuid4())}),
        ("practitioner", {"patient_id": str(uuid.uuid4())}),
    ],
)
def test_an_account_links_only_what_its_role_has_in_the_document_and_the_server(
    client: TestClient, as_admin: dict[str, str], role: str, link: dict[str, Any]
) -> None:
    body = {"email": "new@example.com", "password": "long-password-1", "role": role, **link}
    assert not _valid(COMPONENTS["UserCreate"], body)
    assert _valid(COMPONENTS["UserCreate"], {**body, "role": "practitioner", "patient_id": None})
    response = client.post("/api/v1/users", json=body, headers=as_admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", *link]


def test_a_whole_json_number_is_an_integer_and_a_decimal() -> None:
    assert _adapter(FollowUpCreate, "soreness").validate_json("5.0") == 5
    assert _adapter(PriceIn, "price").validate_json("375.0") == Decimal(375)
    assert _adapter(IntakeCreate, "weight_kg").validate_json('"62.5"') == Decimal("62.5")
    with pytest.raises(ValidationError):
        _adapter(PriceIn, "price").validate_json("375.5")
