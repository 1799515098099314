"""The calendar read's database side: instants come back as exact integer microseconds."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from api.db import UTCDateTime
from api.scheduling.calendar import EpochMicroseconds
from api.scheduling.slots import to_us

INSTANTS = [
    datetime(2026, 3, 29, 1, 0, 0, 1, tzinfo=UTC),
    datetime(2026, 11, 25, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 59, 59, 500_000, tzinfo=UTC),
    datetime(2099, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(2000, 1, 1, tzinfo=UTC),
]


@pytest.mark.parametrize("instant", INSTANTS, ids=str)
def test_epoch_microseconds_are_exact(db: Session, instant: datetime) -> None:
    # PostgreSQL computes them in double precision (date_part): exact to the microsecond
    # only because the cast rounds, which this pins down.
    value = db.scalar(select(EpochMicroseconds(literal(instant, UTCDateTime()))))
    assert value == to_us(instant)
