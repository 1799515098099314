"""Catalogue schemas: what the API shows of the reference data, and what admins may add."""

import uuid
from typing import Annotated

from pydantic import Field, field_validator

from api.common.schemas import ReadSchema, Schema
from api.common.types import NO_NUL, Code, Text, UniqueItems
from api.vocabulary import ContraindicationKind, Indication, SizeClass

__all__ = ["NO_NUL", "Code"]

Name = Annotated[str, Text(100)]
# Where an item's clinical facts come from (publications, product information, pharmacopoeia):
# required when an admin adds an item, so that every fact of the catalogue can be checked.
Source = Annotated[str, Text(2000)]
Alias = Annotated[str, Text(100)]


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
    allergen_classes: Annotated[list[Code], UniqueItems()] = Field(
        default_factory=list, max_length=20
    )
    aliases: list[Alias] = Field(default_factory=list, max_length=50)
    source: Source


class IngredientRead(ReadSchema):
    substance_code: str
    concentration: str


class IngredientIn(Schema):
    substance_code: Code
    concentration: Annotated[str, Text(60)]


class FormulationRead(ReadSchema):
    id: uuid.UUID
    name: str
    indications: list[Indication]
    ingredients: list[IngredientRead]


class FormulationCreate(Schema):
    name: Annotated[str, Text(120)]
    indications: Annotated[list[Indication], UniqueItems()] = Field(min_length=1, max_length=4)
    ingredients: list[IngredientIn] = Field(
        min_length=1, max_length=30, description="Each substance at most once."
    )

    @field_validator("ingredients")
    @classmethod
    def _unique_substances(cls, value: list[IngredientIn]) -> list[IngredientIn]:
        codes = [i.substance_code for i in value]
        if len(set(codes)) != len(codes):
            raise ValueError("Each substance at most once.")
        return value


class ContraindicationRead(ReadSchema):
    code: str
    name: str
    kind: ContraindicationKind
    source: str


class ContraindicationCreate(Schema):
    code: Code
    name: Annotated[str, Text(120)]
    kind: ContraindicationKind
    source: Source
