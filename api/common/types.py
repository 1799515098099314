"""Field types for request input that accept exactly what the OpenAPI document says.

Pydantic's lax mode turns `0` into a boolean, `"5"` into a number and `1700000000` into a date
or a date-time; a client that sends those has a bug we should report, not guess around (and
schemathesis' negative tests check that such input is refused). The other way round, every
rule a JSON Schema can say is said in the field's schema (a pattern, bounds, an enum), so that
whatever the document allows the server accepts (schemathesis' positive tests check that);
the rules it cannot say are in the field's description. The rules, once each:

- **Integers** are JSON numbers without a fractional part: `5`, and `5.0`, which JSON Schema
  counts as the same integer; never `"5"` or `true`.
- **Decimals** (weights, heights, rates, prices) are a decimal string, digits with an optional
  point and more digits (`"62.5"`; no sign, exponent or spaces), **or** a JSON number; the same
  bounds and digits apply to either (`decimal_in`). Money narrows the JSON number to a whole
  one (`375`): DESIGN.md's money is never a float.
- **Dates** are `YYYY-MM-DD`, **date-times** RFC 3339 with seconds and an offset
  (`2030-03-02T09:00:00+01:00`, `T` and `Z` upper case), both with a year from `MIN_YEAR` to
  `MAX_YEAR` as written: the calendar arithmetic overflows at the ends of Python's range.
- **Text** never holds NUL (PostgreSQL cannot store it); its length counts the text as sent,
  and leading and trailing whitespace is then removed (`Text`); required text needs a
  character that is not whitespace.
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import email_validator
from pydantic import (
    AwareDatetime,
    BeforeValidator,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

MIN_YEAR, MAX_YEAR = 1900, 2200
_YEAR = "(?:19[0-9]{2}|2[01][0-9]{2}|2200)"
_MONTH_DAY = "-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TIME = "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
DATE_PATTERN = f"^{_YEAR}{_MONTH_DAY}$"
DATE_TIME_PATTERN = f"^{_YEAR}{_MONTH_DAY}T{_TIME}{_OFFSET}$"
_DATE = re.compile(DATE_PATTERN)
_DATE_TIME = re.compile(DATE_TIME_PATTERN)

# The Unicode White_Space characters (what `str_strip_whitespace` strips), and a pattern for
# text without NUL that has at least one other character.
WHITESPACE = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)
NO_NUL = "^[^\\x00]*$"
VISIBLE = (
    "^[^\\x00]*[^\\x00\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029"
    "\\u202f\\u205f\\u3000][^\\x00]*$"
)


@dataclass(frozen=True)
class JsonSchemaExtra:
    """Annotation metadata that adds keywords to a type's JSON Schema, wherever the type is
    used (inside `X | None` and lists too, where `Field(json_schema_extra=…)` does not reach)."""

    # JSON text, so that the annotation is hashable (typing hashes `Annotated` metadata).
    keywords: str

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        handler.resolve_ref_schema(schema).update(json.loads(self.keywords))
        return schema


def schema_extra(**keywords: Any) -> JsonSchemaExtra:
    return JsonSchemaExtra(json.dumps(keywords))


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError(f"A date is YYYY-MM-DD, with a year from {MIN_YEAR} to {MAX_YEAR}.")
    return value


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        raise ValueError(
            "A date-time is RFC 3339 with seconds and an offset, e.g. 2030-03-02T09:00:00+01:00, "
            f"with a year from {MIN_YEAR} to {MAX_YEAR}."
        )
    return value


CalendarDate = Annotated[
    date, BeforeValidator(_iso_date), schema_extra(pattern=DATE_PATTERN, examples=["2030-03-02"])
]
"""A calendar date written `YYYY-MM-DD` between the years `MIN_YEAR` and `MAX_YEAR`, and
nothing else."""

IsoDate = CalendarDate
"""The one date type of requests (an older name of `CalendarDate`)."""

Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_rfc3339),
    schema_extra(pattern=DATE_TIME_PATTERN, examples=["2030-03-02T09:00:00+01:00"]),
]
"""An RFC 3339 date-time with seconds and an offset (without one it is 422), whose year as
written lies between `MIN_YEAR` and `MAX_YEAR`."""

Bool = StrictBool
"""`true` or `false` only."""


def _whole_number(value: Any) -> Any:
    # 5.0 is the integer 5 to JSON Schema; 5.5, "5" and true are not integers at all.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Integer:
    """`Annotated[int, Integer(0, 10)]`: a JSON integer (`5`, or `5.0`; not `"5"`, not `true`)
    from `minimum` to `maximum`. The bounds live here, inside the float-to-int step, so that the
    document says them as `minimum` and `maximum` (a `Field(ge=…)` outside a validator is
    enforced but published as an unknown `ge` keyword)."""

    minimum: int | None = None
    maximum: int | None = None

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        number = core_schema.int_schema(strict=True, ge=self.minimum, le=self.maximum)
        return core_schema.no_info_before_validator_function(_whole_number, number)


StrictInt = Annotated[int, Integer()]
"""A JSON integer (`5`, or `5.0`); not a numeric string, not a boolean."""

StrictFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A JSON number (not a numeric string, not a boolean)."""


def _strip(value: str) -> str:
    return value.strip(WHITESPACE)


@dataclass(frozen=True)
class Text:
    """`Annotated[str, Text(100)]`: text of at most `max_length` characters as sent, without
    NUL, stripped of leading and trailing whitespace once accepted; `required` text must have a
    character that is not whitespace (so `"   "` is 422, as an empty name would be)."""

    max_length: int
    required: bool = True

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        checked = core_schema.str_schema(
            min_length=1 if self.required else None,
            max_length=self.max_length,
            pattern=VISIBLE if self.required else NO_NUL,
        )
        return core_schema.no_info_after_validator_function(_strip, checked)


# --- decimals -------------------------------------------------------------------------------

DECIMAL_RULE = (
    "A decimal string (digits, optionally a point and more digits: no sign, exponent or "
    "spaces) or a JSON number, by the same bounds."
)


@dataclass(frozen=True)
class DecimalIn:
    """`Annotated[Decimal, DecimalIn(…)]`: a request decimal by the one rule of this module, a
    string matching `pattern` (which says the bounds and digits in full) or a JSON number from
    `minimum` to `maximum` with at most `places` digits after the point (a whole number where
    `whole_numbers_only`). `rule` says the bounds in words, for the messages ("from 30 to
    300")."""

    pattern: str
    minimum: Decimal
    maximum: Decimal
    rule: str
    example: str
    places: int | None = None
    whole_numbers_only: bool = False

    def read(self, value: Any) -> Decimal:
        if isinstance(value, Decimal):
            return value
        if isinstance(value, str):
            if not re.fullmatch(self.pattern, value):
                raise ValueError(f"Must be a decimal string {self.rule}.")
            return Decimal(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            whole = "whole " if self.whole_numbers_only else ""
            raise ValueError(f"Must be a decimal string or a {whole}JSON number, {self.rule}.")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"Must be a finite number {self.rule}.")
            if value.is_integer():
                value = int(value)
            elif self.whole_numbers_only:
                raise ValueError(f"A JSON number must be whole here: send a string {self.rule}.")
        # A float's shortest form is the decimal the client wrote (up to 15 digits).
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not self.minimum <= amount <= self.maximum or (
            self.places is not None and amount != round(amount, self.places)
        ):
            raise ValueError(f"Must be {self.rule}.")
        return amount

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(self.read)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        whole = self.whole_numbers_only
        number: dict[str, Any] = {
            "type": "integer" if whole else "number",
            "minimum": int(self.minimum) if whole else float(self.minimum),
            "maximum": int(self.maximum) if whole else float(self.maximum),
        }
        if self.places is not None and not whole:
            number["multipleOf"] = float(Decimal(1).scaleb(-self.places))
        return {
            "anyOf": [{"type": "string", "pattern": self.pattern}, number],
            "examples": [self.example],
        }


# --- lists ----------------------------------------------------------------------------------


def _unique(values: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError("Items must be unique.")
    return values


class UniqueItems:
    """Annotation for a list whose items may not repeat: 422 on a repeat, and `uniqueItems`
    in the document. (A list of objects that may not repeat one field, such as an intake's
    areas, cannot be said in JSON Schema: its description says it.)"""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        return core_schema.no_info_after_validator_function(_unique, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        value = handler(schema)
        handler.resolve_ref_schema(value)["uniqueItems"] = True
        return value


CODE_PATTERN = "^[a-z0-9][a-z0-9_]{0,39}$"
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
"""A catalogue code: lower-case letters, digits and `_`, 1–40 characters (`thighs`)."""


@dataclass(frozen=True)
class CodeList:
    """`Annotated[str, CodeList(…)]`: one of a long closed list of codes that is not ours (time
    zones, countries, currencies), published once as the component `name` with its `enum`, so
    that a client can offer the list and a generated one type-checks it. `normalize` turns an
    accepted spelling into the listed one (`"fr"` → `"FR"`; the description says which
    spellings), and anything else is 422 with `message` rather than the whole list."""

    name: str
    codes: frozenset[str] = field(hash=False)
    message: str
    description: str
    upper_case: bool = False

    def check(self, value: str) -> str:
        code = value.upper() if self.upper_case else value
        if code not in self.codes:
            raise ValueError(self.message)
        return code

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        listed = {"type": "string", "enum": sorted(self.codes), "description": self.description}
        return core_schema.no_info_after_validator_function(
            self.check,
            core_schema.str_schema(),
            ref=self.name,
            metadata={"pydantic_js_functions": [lambda _schema, _handler: dict(listed)]},
        )


# --- email ----------------------------------------------------------------------------------

_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL_PATTERN = (
    f"^{_ATEXT}+(?:\\.{_ATEXT}+)*@(?:{_LABEL}\\.)+(?:[A-Za-z0-9][A-Za-z0-9-]*)?[A-Za-z]$"
)


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c}]" for c in word)


# What email-validator refuses of the pattern's addresses: a local part over 64 characters, a
# label over 63, two characters and `--` at a label's start (RFC 5890; Punycode too, which the
# pattern would otherwise let in undecoded), and the special-use top-level domains.
_SPECIAL_USE = "|".join(_any_case(name) for name in email_validator.SPECIAL_USE_DOMAIN_NAMES)
EMAIL_REFUSED = f"^[^@]{{65,}}@|[@.][^.@]{{64}}|[@.][A-Za-z0-9]{{2}}--|\\.(?:{_SPECIAL_USE})$"
_EMAIL = re.compile(EMAIL_PATTERN)
_EMAIL_REFUSED = re.compile(EMAIL_REFUSED)


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value) or _EMAIL_REFUSED.search(value):
        raise ValueError("Not an email address we can send to (for example ana@example.com).")
    try:
        checked = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:  # the pattern should have said it
        raise ValueError(str(exc)) from None
    return str(checked.normalized)


class EmailAddress:
    """`Annotated[str, EmailAddress()]`: an ASCII email address as the document's pattern
    spells it (a dot-atom local part, a domain whose last label ends with a letter), minus what
    its `not` refuses; returned normalized (domain lower case), as `EmailStr` does.
    Internationalized addresses are refused: the pattern and the server agree exactly."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> CoreSchema:
        return core_schema.no_info_after_validator_function(
            _email, core_schema.str_schema(max_length=254)
        )

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "format": "email",
            "maxLength": 254,
            "pattern": EMAIL_PATTERN,
            "not": {"pattern": EMAIL_REFUSED},
            "examples": ["ana@example.com"],
        }


Email = Annotated[str, EmailAddress()]
