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


def not_bool(value: Any) -> Any:
    """JSON `true` is not the number 1."""
    if isinstance(value, bool):
        raise ValueError("A number is expected, not a boolean.")
    return value


NotBool = BeforeValidator(not_bool)

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
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False), NotBool]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False), NotBool]
Rate = Annotated[
    Decimal,
    Field(ge=0, le=1, decimal_places=2, allow_inf_nan=False),
    PlainSerializer(lambda d: format(d.quantize(Decimal("0.01")), "f"), return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^(0(\.\d{1,2})?|1(\.0{1,2})?)$", "examples": ["0.50"]}
    ),
]
BufferMinutes = Annotated[int, Field(ge=0, le=240), NotBool]
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
    additional_area_rate: Rate = Decimal("0.50")
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
    additional_area_rate: Rate | None = None
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
    additional_area_rate: Rate
    buffer_minutes: int
    created_at: datetime
    updated_at: datetime


class ClinicListItem(ClinicRead):
    distance_km: float | None = Field(
        default=None, description="Great-circle distance from `near`, only when `near` is given."
    )


# --- prices ---------------------------------------------------------------------------------

_PRICE = re.compile(rf"^\d{{1,{MAX_PRICE_INTEGER_DIGITS}}}(\.\d{{1,12}})?$")


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
    WithJsonSchema({"type": "string", "pattern": _PRICE.pattern, "examples": ["375.00"]}),
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
