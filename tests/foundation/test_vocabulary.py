"""Each vocabulary is written once (`api.vocabulary`): the CHECK constraints of the models and
of the migrated database hold exactly its words, in its order.

`alembic check` does not compare CHECK constraints, so without this test a migration could
keep an old word list that no model shows.
"""

import re
from enum import StrEnum

import pytest
from sqlalchemy import CheckConstraint, text
from sqlalchemy.orm import Session

import api.models  # noqa: F401  (every table on the metadata)
from api.db import Base
from api.vocabulary import (
    AllergyStatus,
    AuditAction,
    Bruising,
    Cadence,
    ContraindicationKind,
    Indication,
    PlanStatus,
    Role,
    SessionStatus,
    Severity,
    Sex,
    SizeClass,
)

VOCABULARY_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("users", "role"): Role,
    ("patients", "sex"): Sex,
    ("allergies", "severity"): Severity,
    ("allergies", "status"): AllergyStatus,
    ("treatment_areas", "size_class"): SizeClass,
    ("formulation_indications", "indication"): Indication,
    ("contraindications", "kind"): ContraindicationKind,
    ("treatment_plans", "indication"): Indication,
    ("treatment_plans", "cadence"): Cadence,
    ("treatment_plans", "status"): PlanStatus,
    ("sessions", "status"): SessionStatus,
    ("follow_ups", "bruising"): Bruising,
    ("audit_events", "action"): AuditAction,
}
_IN_LIST = re.compile(r"^(\w+) IN \((.*)\)$")
_WORD = re.compile(r"'([^']*)'")


def _model_lists() -> dict[tuple[str, str], tuple[str, list[str]]]:
    """(table, column) → (constraint name, words) of every `column IN (…)` CHECK."""
    lists = {}
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            match = _IN_LIST.match(str(constraint.sqltext))
            if match:
                name = str(constraint.name)
                lists[table.name, match[1]] = (name, _WORD.findall(match[2]))
    return lists


def _stored_words(db: Session, table: str, name: str) -> list[str]:
    """The words of the CHECK constraint `name` as the migrated database holds it."""
    if db.get_bind().dialect.name == "postgresql":
        definition = db.scalar(
            text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :name"),
            {"name": name},
        )
    else:
        sql = db.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :table"),
            {"table": table},
        )
        found = re.search(rf"CONSTRAINT {name} CHECK \(([^()]*\([^()]*\))\)", sql or "")
        definition = found[1] if found else None
    assert definition is not None, f"{name} is missing from the database"
    return _WORD.findall(definition)


def test_every_vocabulary_constraint_of_the_models_is_listed_here() -> None:
    assert set(_model_lists()) == set(VOCABULARY_COLUMNS)


@pytest.mark.parametrize(
    ("table", "column"), sorted(VOCABULARY_COLUMNS), ids=lambda part: str(part)
)
def test_check_constraint_words_equal_the_enum_in_its_order(
    db: Session, table: str, column: str
) -> None:
    words = [word.value for word in VOCABULARY_COLUMNS[table, column]]
    name, model_words = _model_lists()[table, column]
    assert model_words == words
    assert _stored_words(db, table, name) == words
