"""Clinic and price-list schemas: ISO country and currency, IANA zone, coordinates, money."""

import uuid
import zoneinfo
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated

import pycountry
from pydantic import (
    BaseModel,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from api.common.money import minor_units
from api.common.patch import PatchSchema
from api.common.schemas import ReadSchema, Schema
from api.common.types import Code, CodeList, DecimalIn, Integer, StrictFloat, Text

# Zone names in the tz database that are not places a clinic can be.
_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})
MAX_MINOR_UNITS = 3  # prices are stored as NUMERIC(12, 3)
MAX_PRICE_INTEGER_DIGITS = 9


@lru_cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACES


def _currencies() -> frozenset[str]:
    codes = {c.alpha_3 for c in pycountry.currencies}
    return frozenset(c for c in codes if minor_units(c) <= MAX_MINOR_UNITS)


Timezone = Annotated[
    str,
    CodeList(
        "TimeZone",
        _timezones(),
        "Unknown IANA time zone (for example Europe/Paris).",
        "An IANA time zone name, as the tz database spells it (`Europe/Paris`).",
    ),
]
Country = Annotated[
    str,
    CodeList(
        "Country",
        frozenset(c.alpha_2 for c in pycountry.countries),
        "Unknown ISO 3166-1 alpha-2 country code (for example FR).",
        "An ISO 3166-1 alpha-2 code (`FR`); lower case is accepted and stored upper case.",
        upper_case=True,
    ),
]
Currency = Annotated[
    str,
    CodeList(
        "Currency",
        _currencies(),
        f"Unknown ISO 4217 currency code (for example EUR), or one with more than "
        f"{MAX_MINOR_UNITS} minor-unit digits.",
        f"An ISO 4217 code (`EUR`) of a currency with at most {MAX_MINOR_UNITS} minor-unit "
        "digits; lower case is accepted and stored upper case.",
        upper_case=True,
    ),
]
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]
BufferMinutes = Annotated[int, Integer(0, 240)]

RATE_PATTERN = r"^(?:0(?:\.[0-9]{1,2})?|1(?:\.0{1,2})?)$"
RateIn = Annotated[
    Decimal,
    DecimalIn(
        pattern=RATE_PATTERN,
        minimum=Decimal(0),
        maximum=Decimal(1),
        places=2,
        rule="from 0 to 1 with at most two digits after the point",
        example="0.50",
    ),
]
RateOut = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.quantize(Decimal("0.01")), "f"), return_type=str),
    WithJsonSchema({"type": "string", "examples": ["0.50"]}),
]
Name = Annotated[str, Text(200)]
City = Annotated[str, Text(120)]
Address = Annotated[str, Text(300)]


class ClinicCreate(Schema):
    name: Name
    country: Country
    city: City
    address: Address
    timezone: Timezone
    currency: Currency
    latitude: Latitude
    longitude: Longitude
    additional_area_rate: RateIn = Decimal("0.50")
    buffer_minutes: BufferMinutes = 0


class ClinicUpdate(PatchSchema):
    name: Name | None = None
    country: Country | None = None
    city: City | None = None
    address: Address | None = None
    timezone: Timezone | None = None
    currency: Currency | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    additional_area_rate: RateIn | None = None
    buffer_minutes: BufferMinutes | None = None


class ClinicRead(ReadSchema):
    id: uuid.UUID
    name: str
    country: str
    city: str
    address: str
    timezone: str
    currency: str
    latitude: float
    longitude: float
    additional_area_rate: RateOut
    buffer_minutes: int
    created_at: datetime
    updated_at: datetime


class ClinicListItem(ClinicRead):
    distance_km: float | None = Field(
        default=None, description="Great-circle distance from `near`, only when `near` is given."
    )


# --- prices ---------------------------------------------------------------------------------

# Positive, at most 9 integer digits (no leading zero) and 3 after the point (the most any
# accepted currency has; the clinic's own currency may allow fewer, checked by the service).
PRICE_PATTERN = (
    rf"^(?:[1-9][0-9]{{0,{MAX_PRICE_INTEGER_DIGITS - 1}}}(?:\.[0-9]{{1,{MAX_MINOR_UNITS}}})?"
    r"|0\.(?:[1-9][0-9]{0,2}|0[1-9][0-9]?|00[1-9]))$"
)
Price = Annotated[
    Decimal,
    DecimalIn(
        pattern=PRICE_PATTERN,
        minimum=Decimal(1),
        maximum=Decimal(10**MAX_PRICE_INTEGER_DIGITS - 1),
        whole_numbers_only=True,
        rule=f"above 0 with at most {MAX_PRICE_INTEGER_DIGITS} digits before the point and "
        "no more after it than the clinic's currency has",
        example="375.00",
    ),
    Field(
        description="A decimal string with no more digits after the point than the clinic's "
        'currency has ("375.00" EUR, "375" JPY), or a whole JSON number (375); never a '
        "fractional JSON number."
    ),
]


class PriceIn(Schema):
    area_code: Code = Field(examples=["thighs"])
    price: Price


class PriceListIn(Schema):
    items: list[PriceIn] = Field(max_length=100, description="Each area at most once.")


class PriceOut(BaseModel):
    area_code: str
    price: str = Field(examples=["375.00"])


class PriceList(BaseModel):
    currency: str
    items: list[PriceOut]
