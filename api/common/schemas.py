"""Base schemas of the HTTP API (field types: `api.common.types`)."""

from pydantic import BaseModel, ConfigDict, field_validator


class Schema(BaseModel):
    """Input schemas refuse unknown fields, so a typo is a 422 rather than silently ignored
    (`additionalProperties: false` in the document), and text with NUL characters, which
    PostgreSQL cannot store (every text field also says so with a pattern: `types.text`).
    Text is stripped by its type (`types.text`), after its length is checked as sent, so that
    the document's `maxLength` is the server's."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("NUL characters are not allowed.")
        return value


class ReadSchema(BaseModel):
    model_config = ConfigDict(from_attributes=True)
