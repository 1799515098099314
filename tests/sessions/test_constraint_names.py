"""The sessions table's constraint names, as the code spells them, are the database's."""

import pytest
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.orm import Session

from api.sessions.models import (
    BUFFER_AFTER_END,
    ENDS_AFTER_START,
    PATIENT_OVERLAP,
    PRACTITIONER_OVERLAP,
    STATUS_CHECK,
    TreatmentSession,
)


def test_the_check_constraints_of_the_model_are_the_databases(db: Session) -> None:
    in_database = {c["name"] for c in inspect(db.connection()).get_check_constraints("sessions")}
    table = TreatmentSession.metadata.tables["sessions"]
    in_model = {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
    named = {f"ck_sessions_{name}" for name in (STATUS_CHECK, ENDS_AFTER_START, BUFFER_AFTER_END)}
    assert in_model == in_database == named


def test_the_exclusion_constraints_booking_names_are_the_databases(db: Session) -> None:
    """Booking turns a violation into `slot_taken` / `patient_busy` by the constraint's name."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("exclusion constraints exist on PostgreSQL; SQLite serializes writers")
    found = db.scalars(
        text(
            "SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'sessions'::regclass AND contype = 'x'"
        )
    )
    assert set(found) == {PRACTITIONER_OVERLAP, PATIENT_OVERLAP}
