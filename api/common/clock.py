"""The one clock of the application, so tests can move time, and the clinic-local today."""

from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo

_frozen: datetime | None = None


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def freeze(at: datetime | None) -> None:
    """Pin the clock to `at` (aware), or release it with None. For tests and demos only."""
    if at is not None and at.tzinfo is None:
        raise ValueError("the clock takes aware datetimes only")
    global _frozen
    _frozen = at.astimezone(UTC) if at is not None else None


def clinic_today(zone: str | tzinfo) -> date:
    """Today's date on a clinic's wall clock (`zone`: its IANA name or its zone): ages,
    licences, follow-ups and "not in the future" use it."""
    return now().astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone).date()
