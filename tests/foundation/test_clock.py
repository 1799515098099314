"""The clinic-local today (`api.common.clock.clinic_today`): one definition for ages,
licences, follow-ups and "not in the future"."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from api.common import clock


def test_today_is_the_date_on_the_clinic_wall_clock() -> None:
    clock.freeze(datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert clock.clinic_today("Europe/Paris") == date(2026, 3, 3)
    assert clock.clinic_today("America/New_York") == date(2026, 3, 2)
    assert clock.clinic_today(ZoneInfo("Pacific/Kiritimati")) == date(2026, 3, 3)
    assert clock.clinic_today(UTC) == date(2026, 3, 2)
