"""Every boolean of every request schema is a JSON boolean: `"false"`, `0` or `1` is refused
(Pydantic's lax mode would read `"false"` as false). The HTTP tests of each domain send those
values; this one catches a lax `bool` added to any input schema later."""

import importlib
import pkgutil
import types
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError

import api
from api.common.schemas import Schema


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _request_schemas() -> list[type[BaseModel]]:
    for module in pkgutil.walk_packages(api.__path__, "api."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    return sorted(set(_subclasses(Schema)), key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _is_bool(annotation: Any) -> bool:
    if annotation is bool:
        return True
    if get_origin(annotation) is Annotated:
        return _is_bool(get_args(annotation)[0])
    if get_origin(annotation) in (Union, types.UnionType):
        return any(_is_bool(a) for a in get_args(annotation))
    return False


BOOLEAN_FIELDS = [
    (schema, name)
    for schema in _request_schemas()
    for name, field in schema.model_fields.items()
    if _is_bool(field.annotation)
]


def test_the_booleans_of_the_request_schemas_are_found() -> None:
    names = {f"{schema.__name__}.{name}" for schema, name in BOOLEAN_FIELDS}
    assert names >= {
        "PatientCreate.active",
        "PatientUpdate.active",
        "UserCreate.active",
        "UserUpdate.active",
        "PractitionerCreate.active",
        "PractitionerUpdate.active",
        "FollowUpCreate.adverse_event",
        "CourseSchedule.dry_run",
    }


@pytest.mark.parametrize(
    ("schema", "name"),
    BOOLEAN_FIELDS,
    ids=[f"{schema.__name__}.{name}" for schema, name in BOOLEAN_FIELDS],
)
@pytest.mark.parametrize("value", ["false", "true", 0, 1, "yes"])
def test_every_request_boolean_is_strict(schema: type[BaseModel], name: str, value: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        schema.model_validate({name: value})
    assert any(
        err["loc"][:1] == (name,) and err["type"] == "bool_type" for err in refused.value.errors()
    ), refused.value.errors()
