"""The minute arithmetic that compares working hours across zones reads a wall time as the
slots do (`api.scheduling.slots.bound_instant`): spring gaps forward, autumn folds first pass."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from api.practitioners.schedule import _WallClock
from api.scheduling.slots import bound_instant

ZONES = [
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Australia/Sydney",  # southern hemisphere: the changes in April and October
    "Australia/Lord_Howe",  # half-hour daylight saving
    "America/St_Johns",  # a half-hour offset
    "Asia/Kathmandu",  # a 45-minute offset
]


@pytest.mark.parametrize("zone_name", ZONES)
def test_every_quarter_hour_of_the_coming_year_matches_the_slots(zone_name: str) -> None:
    zone = ZoneInfo(zone_name)
    first = date(2027, 1, 4)
    wall_clock = _WallClock(zone, first, 372)
    for days in range(372):
        day = first + timedelta(days=days)
        for minute in range(0, 1441, 15):
            expected = int(bound_instant(day, minute, zone).timestamp()) // 60
            day_number = (day - date(1970, 1, 1)).days
            assert wall_clock.instant(day_number, minute) == expected, (day, minute)
