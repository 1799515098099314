"""The one clock of the application, so tests can move time."""

from datetime import UTC, datetime

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
