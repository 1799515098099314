"""Base schema and shared field types of the HTTP API."""

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    """Input schemas refuse unknown fields, so a typo is a 422 rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)
