"""Input schema for `PATCH`: a field may be left out, but a non-nullable one not set to null."""

from typing import Any, ClassVar

from pydantic import GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from api.common.schemas import Schema


class PatchSchema(Schema):
    """Fields are declared `X | None = None` so that they can be left out. An explicit null is
    422, except for the fields listed in `nullable_fields` (where null clears the value); the
    OpenAPI document says so (no `null` in the other fields' types)."""

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

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, prop in target.get("properties", {}).items():
            if name in cls.nullable_fields or "anyOf" not in prop:
                continue
            options = [o for o in prop["anyOf"] if o != {"type": "null"}]
            if len(options) == len(prop["anyOf"]):
                continue
            prop.pop("default", None)
            del prop["anyOf"]
            if len(options) == 1:
                prop.update(options[0])
            else:
                prop["anyOf"] = options
        return schema
