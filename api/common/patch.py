"""Input schema for `PATCH`: a field may be left out, but a non-nullable one not set to null."""

from typing import Any, ClassVar

from pydantic import model_validator

from api.common.schemas import Schema


class PatchSchema(Schema):
    """Fields are declared `X | None = None` so that they can be left out. An explicit null is
    422, except for the fields listed in `nullable_fields` (where null clears the value)."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _refuse_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = sorted(
                key
                for key, value in data.items()
                if value is None and key in cls.model_fields and key not in cls.nullable_fields
            )
            if nulls:
                raise ValueError(f"May not be null: {', '.join(nulls)}.")
        return data
