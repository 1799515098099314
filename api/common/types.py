"""Field types for request input that accept exactly what the OpenAPI document says.

Pydantic's lax mode turns `0` into a boolean, `"5"` into a number and `1700000000` into a date
or a date-time; a client that sends those has a bug we should report, not guess around (and
schemathesis' negative tests check that such input is refused). Every date and every instant
of a request goes through `IsoDate` and `Instant` (or `CalendarDate`, an `IsoDate` with the
year bound), so a JSON number is never a date or a date-time.
"""

import re
from datetime import UTC, date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StrictBool

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?"
)
# Dates and instants far from today are refused as out of bounds (422), rather than reaching
# the calendar arithmetic that would overflow at the ends of the datetime range.
MIN_YEAR, MAX_YEAR = 1900, 2200
_OUT_OF_YEARS = f"must fall between the years {MIN_YEAR} and {MAX_YEAR}"


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        raise ValueError("A date is YYYY-MM-DD.")
    return value


def _rfc3339(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        raise ValueError("A date-time is RFC 3339 with an offset, e.g. 2030-03-02T09:00:00+01:00.")
    return value


def _date_within_years(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(_OUT_OF_YEARS)
    return value


def _instant_within_years(value: datetime) -> datetime:
    try:
        _date_within_years(value.astimezone(UTC).date())
    except OverflowError:
        raise ValueError(_OUT_OF_YEARS) from None
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date written `YYYY-MM-DD`, and nothing else."""

CalendarDate = Annotated[IsoDate, AfterValidator(_date_within_years)]
"""An `IsoDate` between the years `MIN_YEAR` and `MAX_YEAR`: a day the calendar computes on."""

Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339), AfterValidator(_instant_within_years)]
"""An RFC 3339 date-time (text; without an offset it is 422, AwareDatetime) whose UTC year lies
between `MIN_YEAR` and `MAX_YEAR`."""

Bool = StrictBool
"""`true` or `false` only."""

StrictInt = Annotated[int, Field(strict=True)]
"""A JSON integer (not a numeric string, not a boolean)."""

StrictFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A JSON number (not a numeric string, not a boolean)."""
