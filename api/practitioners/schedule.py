"""A practitioner's weekly working hours (local wall-clock, per clinic) and time off."""

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound
from api.practitioners.models import Practitioner, TimeOff, WorkingHours
from api.practitioners.schemas import TimeOffCreate, WorkingHoursIn, WorkingHoursOut

MINUTES_PER_DAY = 24 * 60


def to_minutes(wall_clock: str) -> int:
    """`"09:30"` → 570; `"24:00"` → 1440 (midnight at the end of the day)."""
    hours, minutes = wall_clock.split(":")
    return int(hours) * 60 + int(minutes)


def to_wall_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _out(row: WorkingHours) -> WorkingHoursOut:
    return WorkingHoursOut(
        clinic_id=row.clinic_id,
        weekday=row.weekday,
        start=to_wall_clock(row.start_minute),
        end=to_wall_clock(row.end_minute),
    )


def _sorted(rows: Sequence[WorkingHours]) -> list[WorkingHoursOut]:
    ordered = sorted(rows, key=lambda r: (str(r.clinic_id), r.weekday, r.start_minute))
    return [_out(r) for r in ordered]


def get_working_hours(db: Session, practitioner: Practitioner) -> list[WorkingHoursOut]:
    """The weekly hours, by clinic, weekday and start."""
    stmt = select(WorkingHours).where(WorkingHours.practitioner_id == practitioner.id)
    return _sorted(list(db.scalars(stmt)))


def replace_working_hours(
    db: Session, practitioner: Practitioner, items: Sequence[WorkingHoursIn]
) -> list[WorkingHoursOut]:
    """Replace the weekly hours. Each interval is at one of the practitioner's clinics and ends
    after it starts ("24:00" is midnight); a practitioner is at one place at a time, so two
    intervals of the same weekday never overlap, whatever their clinics (touching is fine)."""
    clinics = set(practitioner.clinic_ids)
    rows: list[WorkingHours] = []
    for i, item in enumerate(items):
        if item.clinic_id not in clinics:
            raise InvalidInput(
                ["body", i, "clinic_id"], "The practitioner does not work at this clinic."
            )
        start, end = to_minutes(item.start), to_minutes(item.end)
        if end <= start:
            raise InvalidInput(["body", i, "end"], "The end is after the start.")
        rows.append(
            WorkingHours(
                practitioner_id=practitioner.id,
                clinic_id=item.clinic_id,
                weekday=item.weekday,
                start_minute=start,
                end_minute=end,
            )
        )
    by_day = sorted(range(len(rows)), key=lambda i: (rows[i].weekday, rows[i].start_minute))
    for before, after in itertools.pairwise(by_day):
        a, b = rows[before], rows[after]
        if a.weekday == b.weekday and b.start_minute < a.end_minute:
            raise InvalidInput(
                ["body", after],
                f"Overlaps another interval on weekday {b.weekday} "
                f"({to_wall_clock(a.start_minute)}–{to_wall_clock(a.end_minute)}).",
            )
    db.execute(delete(WorkingHours).where(WorkingHours.practitioner_id == practitioner.id))
    db.add_all(rows)
    db.flush()
    return _sorted(rows)


def add_time_off(db: Session, practitioner: Practitioner, data: TimeOffCreate) -> TimeOff:
    """Record time off; it ends after it starts. No slot is offered or bookable inside it."""
    if data.ends_at <= data.starts_at:
        raise InvalidInput(["body", "ends_at"], "The time off ends after it starts.")
    time_off = TimeOff(
        practitioner_id=practitioner.id,
        starts_at=data.starts_at.astimezone(UTC),
        ends_at=data.ends_at.astimezone(UTC),
        reason=data.reason,
    )
    db.add(time_off)
    db.flush()
    return time_off


def list_time_off(
    db: Session, practitioner: Practitioner, params: PageParams
) -> tuple[list[TimeOff], str | None]:
    """By start, then id."""
    stmt = select(TimeOff).where(TimeOff.practitioner_id == practitioner.id)
    return paginate(db, stmt, [SortKey(TimeOff.starts_at), SortKey(TimeOff.id)], params)


def delete_time_off(db: Session, practitioner: Practitioner, time_off_id: uuid.UUID) -> None:
    time_off = db.get(TimeOff, time_off_id)
    if time_off is None or time_off.practitioner_id != practitioner.id:
        raise NotFound("Time off")
    db.delete(time_off)
    db.flush()
