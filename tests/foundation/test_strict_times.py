"""No request field takes a JSON number as a date or a date-time: every date and instant of
an input schema goes through `api.common.types` (`IsoDate`, `CalendarDate`, `Instant`)."""

import types
import typing
from datetime import date
from typing import Any

import pytest
from pydantic import (
    AwareDatetime,
    BaseModel,
    FutureDate,
    FutureDatetime,
    NaiveDatetime,
    PastDate,
    PastDatetime,
    ValidationError,
)

import api.main  # noqa: F401  (every router, so every input schema, is imported)
from api.common.schemas import Schema

NUMBERS = [1772530200, 1772530200.5, 20260303]
PYDANTIC_TIMES = (AwareDatetime, NaiveDatetime, PastDate, FutureDate, PastDatetime, FutureDatetime)


def _subclasses(cls: type[BaseModel]) -> list[type[BaseModel]]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _mentions_a_date(annotation: Any) -> bool:
    if isinstance(annotation, type):
        # pydantic's AwareDatetime, PastDate… are markers, not subclasses of date.
        return issubclass(annotation, date) or annotation in PYDANTIC_TIMES
    return any(_mentions_a_date(arg) for arg in typing.get_args(annotation))


TIME_FIELDS = sorted(
    {
        (model.__module__, model.__qualname__, name): model
        for model in _subclasses(Schema)
        for name, field in model.model_fields.items()
        if _mentions_a_date(field.annotation)
    }.items(),
)


def test_the_input_schemas_have_date_and_time_fields() -> None:
    names = {name for (_, _, name), _ in TIME_FIELDS}
    assert {"date_of_birth", "measured_on", "starts_at", "first_starts_at", "signed_at"} <= names


@pytest.mark.parametrize(
    ("key", "model"), TIME_FIELDS, ids=[f"{q}.{n}" for (_, q, n), _ in TIME_FIELDS]
)
@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_is_refused_as_a_date_or_a_date_time(
    key: tuple[str, str, str], model: type[BaseModel], number: float
) -> None:
    name = key[2]
    with pytest.raises(ValidationError) as refused:
        model.model_validate({name: number})
    assert (name,) in {error["loc"][:1] for error in refused.value.errors()}


def test_a_union_with_none_and_pydantic_markers_are_seen() -> None:
    assert _mentions_a_date(date | None)
    assert _mentions_a_date(AwareDatetime | None)
    assert not _mentions_a_date(types.NoneType)
