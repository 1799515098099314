"""Clinic and price-list schemas: ISO country and currency, IANA zone, coordinates, money."""

import re
import uuid
import zoneinfo
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any

import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from api.common.money import minor_units
from api.common.patch import PatchSchema
from api.common.schemas import ReadSchema, Schema
from api.common.types import StrictFloat, StrictInt

# Zone names in the tz database that are not places a clinic can be.
_NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})
MAX_MINOR_UNITS = 3  # prices are stored as NUMERIC(12, 3)
MAX_PRICE_INTEGER_DIGITS = 9


@lru_cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones()) - _NOT_PLACES


def _timezone(value: str) -> str:
    if value not in _timezones():
        raise ValueError("Unknown IANA time zone (for example Europe/Paris).")
    return value


def _country(value: str) -> str:
    code = value.upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise ValueError("Unknown ISO 3166-1 alpha-2 country code (for example FR).")
    return code


def _currency(value: str) -> str:
    code = value.upper()
    if len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError("Unknown ISO 4217 currency code (for example EUR).")
    if minor_units(code) > MAX_MINOR_UNITS:
        raise ValueError(
            f"Currencies with more than {MAX_MINOR_UNITS} minor-unit digits are not supported."
        )
    return code


Timezone = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Europe/Paris"]),
    AfterValidator(_timezone),
]
Country = Annotated[
    str, Field(min_length=2, max_length=2, examples=["FR"]), AfterValidator(_country)
]
Currency = Annotated[
    str, Field(min_length=3, max_length=3, examples=["EUR"]), AfterValidator(_currency)
]
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180)]
BufferMinutes = Annotated[StrictInt, Field(ge=0, le=240)]

_RATE = re.compile(r"^(0(\.[0-9]{1,2})?|1(\.0{1,2})?)$")


def _rate(value: Any) -> Any:
    """A decimal string such as "0.50" (or a JSON number) from 0 to 1, at most two digits."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError('A rate is a decimal string from "0" to "1", for example "0.50".')
    if isinstance(value, str) and not _RATE.match(value):
        raise ValueError('A rate is a decimal string from "0" to "1" with at most two digits.')
    return Decimal(str(value))


RateIn = Annotated[
    Decimal,
    BeforeValidator(_rate),
    Field(ge=0, le=1, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _RATE.pattern},
                {"type": "number", "minimum": 0, "maximum": 1},
            ],
            "examples": ["0.50"],
        }
    ),
]
RateOut = Annotated[
    Decimal,
    PlainSerializer(lambda d: format(d.quantize(Decimal("0.01")), "f"), return_type=str),
    WithJsonSchema({"type": "string", "examples": ["0.50"]}),
]
Name = Annotated[str, Field(min_length=1, max_length=200)]
City = Annotated[str, Field(min_length=1, max_length=120)]
Address = Annotated[str, Field(min_length=1, max_length=300)]


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

_PRICE = re.compile(rf"^[0-9]{{1,{MAX_PRICE_INTEGER_DIGITS}}}(\.[0-9]{{1,12}})?$")


def _price(value: Any) -> Decimal:
    """A positive decimal string (or whole number); never a float."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError('A price is a decimal string, for example "375.00".')
    if not _PRICE.match(value):
        raise ValueError(
            f"A price is a decimal string of at most {MAX_PRICE_INTEGER_DIGITS} integer digits, "
            'for example "375.00".'
        )
    amount = Decimal(value)
    if amount <= 0:
        raise ValueError("A price is positive.")
    return amount


Price = Annotated[
    Decimal,
    BeforeValidator(_price),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _PRICE.pattern},
                {"type": "integer", "minimum": 1, "maximum": 10**MAX_PRICE_INTEGER_DIGITS - 1},
            ],
            "examples": ["375.00"],
        }
    ),
]


class PriceIn(Schema):
    area_code: str = Field(min_length=1, max_length=40, examples=["thighs"])
    price: Price


class PriceListIn(Schema):
    items: list[PriceIn] = Field(max_length=100)


class PriceOut(BaseModel):
    area_code: str
    price: str = Field(examples=["375.00"])


class PriceList(BaseModel):
    currency: str
    items: list[PriceOut]
