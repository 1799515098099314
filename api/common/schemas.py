"""Base schema and shared field types of the HTTP API."""

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator


class Schema(BaseModel):
    """Input schemas refuse unknown fields, so a typo is a 422 rather than silently ignored,
    and text with NUL characters, which PostgreSQL cannot store."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("NUL characters are not allowed.")
        return value


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: object) -> object:
    # Pydantic would also read numbers (and numeric text) as Unix timestamps.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("Expected a date as YYYY-MM-DD.")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
"""A calendar date written YYYY-MM-DD, and nothing else."""
