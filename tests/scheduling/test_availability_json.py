"""The availability body, built by hand for speed, is exactly `AvailabilityRead`'s JSON."""

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from api.scheduling.schemas import AvailabilityRead, SlotRead, availability_json
from api.scheduling.slots import SLOT_US, from_us, to_us

ZONES = [
    "Europe/Paris",
    "UTC",
    "America/New_York",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "America/St_Johns",
    "Australia/Lord_Howe",
]
# Quarter hours from 2000 to 2100, daylight-saving changes included.
_QUARTER_US = 15 * 60 * 1_000_000
_FROM = to_us(datetime(2000, 1, 1, tzinfo=UTC)) // _QUARTER_US
_TO = to_us(datetime(2100, 1, 1, tzinfo=UTC)) // _QUARTER_US


def _schema_json(timezone: str, found: list[tuple[int, uuid.UUID]]) -> str:
    zone = ZoneInfo(timezone)
    slots = [
        SlotRead(
            practitioner_id=pid,
            starts_at=from_us(start).astimezone(zone),
            ends_at=from_us(start + SLOT_US).astimezone(zone),
        )
        for start, pid in found
    ]
    return AvailabilityRead(timezone=timezone, slots=slots).model_dump_json()


_found = st.lists(
    st.tuples(st.integers(_FROM, _TO).map(lambda q: q * _QUARTER_US), st.uuids()),
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ZONES), _found)
def test_availability_json_is_the_schemas_own_serialisation(
    timezone: str, found: list[tuple[int, uuid.UUID]]
) -> None:
    body = availability_json(timezone, found)
    assert body == _schema_json(timezone, found)
    assert AvailabilityRead.model_validate_json(body).model_dump_json() == body


def test_an_empty_search_and_a_full_month_are_the_schemas_json_too() -> None:
    assert availability_json("Europe/Paris", []) == '{"timezone":"Europe/Paris","slots":[]}'
    assert availability_json("UTC", []) == _schema_json("UTC", [])
    # A month of a busy clinic: 20 practitioners, every quarter hour of 08:00-20:00, the
    # spring change of 29 March inside.
    practitioners = sorted((uuid.uuid4() for _ in range(20)), key=str)
    first = to_us(datetime(2026, 3, 15, 7, tzinfo=UTC))
    starts = [
        first + day * 96 * _QUARTER_US + q * _QUARTER_US for day in range(31) for q in range(48)
    ]
    found = [(start, pid) for start in starts for pid in practitioners]
    assert len(found) == 29_760
    assert availability_json("Europe/Paris", found) == _schema_json("Europe/Paris", found)
