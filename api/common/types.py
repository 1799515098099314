"""Field types for request bodies that accept exactly what the OpenAPI document says.

Pydantic's lax mode turns `0` into a boolean, `"5"` into a number and `1700000000` into a date;
a client that sends those has a bug we should report, not guess around (and schemathesis'
negative tests check that such input is refused).
"""

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StrictBool

_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,9})?)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})?$"
)


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("A date is YYYY-MM-DD.")
    return value


def _rfc3339(value: Any) -> Any:
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        raise ValueError("A date-time is RFC 3339 with an offset, e.g. 2030-03-02T09:00:00+01:00.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date written `YYYY-MM-DD`."""

Instant = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
"""An RFC 3339 date-time; without an offset it is 422 (AwareDatetime)."""

Bool = StrictBool
"""`true` or `false` only."""

StrictInt = Annotated[int, Field(strict=True)]
"""A JSON integer (not a numeric string, not a boolean)."""

StrictFloat = Annotated[float, Field(strict=True, allow_inf_nan=False)]
"""A JSON number (not a numeric string, not a boolean)."""
