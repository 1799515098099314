"""The statements of the calendar read (`calendar.load_calendar`), built once per shape.

Instants come back as integer microseconds since the epoch (UTC), computed by the database
(`EpochMicroseconds`), and the busy intervals come folded: one row per kind and practitioner,
its intervals joined into one comma-separated text that `triples` reads back. A busy month of
a clinic is thousands of sessions, and reading them back as rows of datetimes costs more than
the whole rest of the search.

The statements are built once per shape with bound parameters: building them afresh costs
more Python than running them, on every booking.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntFlag
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.functions import FunctionElement

from api.practitioners.models import Practitioner, TimeOff, WorkingHours, practitioner_clinics
from api.sessions.models import TreatmentSession
from api.vocabulary import SessionStatus


class RowKind(IntFlag):
    """What a row of the busy statement holds (its `kind` column)."""

    SESSION = 0  # sessions of the practitioners: start, end, buffer end
    TIME_OFF = 1  # the practitioners' time off: start, end, end
    PATIENT = 2  # sessions of the patient (at any practitioner), flagged on SESSION rows
    PLAN = 4  # sessions of the plan (at any date), flagged on SESSION rows
    HOURS = 8  # the practitioners' weekly hours at the clinic: weekday, start and end minute


@dataclass(frozen=True)
class BusyShape:
    """What the busy statement reads besides the practitioners' sessions and time off near the
    window (bound `pids`, `lo`, `hi`)."""

    patient: bool = False  # the patient's sessions too (bound `patient_id`)
    plan: bool = False  # the plan's sessions too, at any date (bound `plan_id`)
    exclude: bool = False  # one session counts as absent (bound `exclude_session_id`)
    # Every session's end; without it only the patient's sessions keep theirs (the others read
    # 0: they count up to the end of their buffer, which is all the availability search needs).
    ends: bool = True
    hours: bool = False  # the practitioners' weekly hours at the clinic (bound `clinic_id`)


@lru_cache(maxsize=4)
def hours_statement(one_practitioner: bool) -> Select[uuid.UUID, int, int, int, date, list[str]]:
    """Weekly hours at the clinic (bound `clinic_id`) of its active practitioners who work
    there, with their licence and qualifications; with `one_practitioner`, of bound
    `practitioner_id` only."""
    clinic_id: BindParameter[uuid.UUID] = bindparam("clinic_id")
    pc = practitioner_clinics
    stmt = (
        select(
            WorkingHours.practitioner_id,
            WorkingHours.weekday,
            WorkingHours.start_minute,
            WorkingHours.end_minute,
            Practitioner.license_expires_on,
            Practitioner.qualifications,
        )
        .join(Practitioner, Practitioner.id == WorkingHours.practitioner_id)
        .join(pc, and_(pc.c.practitioner_id == Practitioner.id, pc.c.clinic_id == clinic_id))
        .where(WorkingHours.clinic_id == clinic_id, Practitioner.active.is_(True))
    )
    if one_practitioner:
        stmt = stmt.where(WorkingHours.practitioner_id == bindparam("practitioner_id"))
    return stmt


@lru_cache(maxsize=64)
def busy_statement(shape: BusyShape) -> CompoundSelect[Any]:
    """Sessions (not cancelled) of the practitioners, and as `shape` says of the patient and
    the plan, and the practitioners' time off, near the window [lo, hi).

    Rows of (kind, practitioner id as text, triples): one per `RowKind` combination and
    practitioner, its intervals folded into one text of comma-separated triples, in µs since
    the epoch for instants.
    """
    s = TreatmentSession
    pids: BindParameter[list[uuid.UUID]] = bindparam("pids", expanding=True)
    lo: BindParameter[datetime] = bindparam("lo")
    hi: BindParameter[datetime] = bindparam("hi")
    who: ColumnElement[bool] = s.practitioner_id.in_(pids)
    of_patient: ColumnElement[bool] = false()
    of_plan: ColumnElement[bool] = false()
    if shape.patient:
        of_patient = s.patient_id == bindparam("patient_id")
        who = or_(who, of_patient)
    if shape.plan:
        of_plan = s.plan_id == bindparam("plan_id")
        who = or_(who, of_plan)
    end: ColumnElement[int] = EpochMicroseconds(s.ends_at)
    if not shape.ends:
        end = case((of_patient, end), else_=0)
    kind = case((of_patient, int(RowKind.PATIENT)), else_=int(RowKind.SESSION)) + case(
        (of_plan, int(RowKind.PLAN)), else_=0
    )
    sessions = select(
        kind.label("kind"),
        s.practitioner_id.label("pid"),
        _triple(EpochMicroseconds(s.starts_at), end, EpochMicroseconds(s.buffer_ends_at)),
    ).where(s.status != SessionStatus.CANCELLED, who)
    # The plan's sessions matter at any date (5-day spacing); the others only near the range.
    near: ColumnElement[bool] = and_(s.starts_at < hi, s.buffer_ends_at > lo)
    if shape.plan:
        near = or_(near, of_plan)
    sessions = sessions.where(near)
    if shape.exclude:
        sessions = sessions.where(s.id != bindparam("exclude_session_id"))
    off_start, off_end = EpochMicroseconds(TimeOff.starts_at), EpochMicroseconds(TimeOff.ends_at)
    time_off = select(
        literal(int(RowKind.TIME_OFF)).label("kind"),
        TimeOff.practitioner_id.label("pid"),
        _triple(off_start, off_end, off_end),
    ).where(TimeOff.practitioner_id.in_(pids), TimeOff.starts_at < hi, TimeOff.ends_at > lo)

    def folded(rows: Select[int, uuid.UUID, str]) -> Select[int, str, str]:
        sub = rows.subquery()
        return select(
            sub.c.kind, cast(sub.c.pid, String()), func.aggregate_strings(sub.c.triple, ",")
        ).group_by(sub.c.kind, sub.c.pid)

    parts = [folded(sessions), folded(time_off)]
    if shape.hours:
        weekly = select(
            literal(int(RowKind.HOURS)).label("kind"),
            WorkingHours.practitioner_id.label("pid"),
            _triple(WorkingHours.weekday, WorkingHours.start_minute, WorkingHours.end_minute),
        ).where(
            WorkingHours.practitioner_id.in_(pids),
            WorkingHours.clinic_id == bindparam("clinic_id"),
        )
        parts.append(folded(weekly))
    return union_all(*parts)


_IntColumn = ColumnElement[int] | InstrumentedAttribute[int]


def _triple(start: _IntColumn, end: _IntColumn, third: _IntColumn) -> ColumnElement[str]:
    text = cast(start, String()) + "," + cast(end, String()) + "," + cast(third, String())
    return text.label("triple")


def triples(text: str) -> list[tuple[int, int, int]]:
    """A folded text of the busy statement read back as its integer triples."""
    # Comma-separated integers are a JSON array but for its brackets; the C parser reads them
    # several times faster than int() over str.split.
    values: list[int] = json.loads(f"[{text}]")
    return list(zip(values[0::3], values[1::3], values[2::3], strict=True))


class EpochMicroseconds(FunctionElement[int]):
    """An instant column as integer microseconds since the epoch, computed by the database:
    thousands of rows per search read back as plain integers, not datetimes."""

    type = BigInteger()
    inherit_cache = True
    name = "epoch_us"


@compiles(EpochMicroseconds)
def _epoch_us_sqlite(element: EpochMicroseconds, compiler: Any, **kw: Any) -> str:
    # SQLite keeps naive UTC text, "YYYY-MM-DD HH:MM:SS.ffffff". Whole seconds and the
    # fraction are read apart: strftime keeps milliseconds only and rounds, so .9999995 s
    # would count a second too many.
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr(substr({value}, 21) || '000000', 1, 6) AS INTEGER))"
    )


@compiles(EpochMicroseconds, "postgresql")
def _epoch_us_postgresql(element: EpochMicroseconds, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    # date_part is double precision (EXTRACT is numeric, several times slower over thousands
    # of rows): 53 bits hold today's epoch seconds to 2.4e-7 s, and the cast rounds to the
    # nearest microsecond, so the value is exact.
    return f"CAST(date_part('epoch', {value}) * 1000000 AS BIGINT)"
