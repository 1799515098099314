"""Catalogue schemas: what the API shows of the reference data, and what admins may add."""

import uuid
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator

from api.common.schemas import ReadSchema, Schema
from api.vocabulary import ContraindicationKind, Indication, SizeClass

# PostgreSQL text cannot hold NUL; refusing it here keeps such input a 422, never a 500.
NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]{0,39}$")]
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]
# Where an item's clinical facts come from (publications, product information, pharmacopoeia):
# required when an admin adds an item, so that every fact of the catalogue can be checked.
Source = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000, pattern=NO_NUL)
]
Alias = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_NUL)
]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("values must be unique")
    return values


class TreatmentAreaRead(ReadSchema):
    code: str
    name: str
    size_class: SizeClass


class TreatmentAreaCreate(Schema):
    code: Code
    name: Name
    size_class: SizeClass


class AllergenClassRead(ReadSchema):
    code: str
    name: str
    aliases: list[str]
    source: str


class AllergenClassCreate(Schema):
    code: Code
    name: Name
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    source: Source


class SubstanceRead(ReadSchema):
    code: str
    name: str
    allergen_classes: list[str]
    aliases: list[str]
    source: str


class SubstanceCreate(Schema):
    code: Code
    name: Name
    allergen_classes: list[Code] = Field(default_factory=list, max_length=20)
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    source: Source

    _unique_classes = field_validator("allergen_classes")(_unique)


class IngredientRead(ReadSchema):
    substance_code: str
    concentration: str


class IngredientIn(Schema):
    substance_code: Code
    concentration: Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=NO_NUL)]


class FormulationRead(ReadSchema):
    id: uuid.UUID
    name: str
    indications: list[Indication]
    ingredients: list[IngredientRead]


class FormulationCreate(Schema):
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=NO_NUL)]
    indications: list[Indication] = Field(min_length=1, max_length=4)
    ingredients: list[IngredientIn] = Field(min_length=1, max_length=30)

    _unique_indications = field_validator("indications")(_unique)

    @field_validator("ingredients")
    @classmethod
    def _unique_substances(cls, value: list[IngredientIn]) -> list[IngredientIn]:
        _unique([i.substance_code for i in value])
        return value


class ContraindicationRead(ReadSchema):
    code: str
    name: str
    kind: ContraindicationKind
    source: str


class ContraindicationCreate(Schema):
    code: Code
    name: Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=NO_NUL)]
    kind: ContraindicationKind
    source: Source
