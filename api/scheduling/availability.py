"""The availability search: every free slot of a clinic's bookable practitioners.

A fixed number of statements whatever the range: the clinic (with whether the practitioner
asked for exists), the session being rescheduled when one is named, then the two statements of
`calendar.load_calendar`. Everything else is the pure computation of `slots.free_starts_us`.
"""

import uuid
from datetime import date

from sqlalchemy import exists, literal, select
from sqlalchemy.orm import Session

from api.access import care_scope
from api.clinics.models import Clinic
from api.common import clock
from api.errors import InvalidInput
from api.practitioners.models import Practitioner
from api.scheduling import slots
from api.scheduling.calendar import CalendarQuery, load_calendar
from api.sessions.models import TreatmentSession
from api.users.models import User

MAX_DAYS = 62


def find_slot_starts(
    db: Session,
    user: User,
    clinic_id: uuid.UUID,
    first_day: date,
    last_day: date,
    practitioner_id: uuid.UUID | None = None,
    reschedule_session_id: uuid.UUID | None = None,
) -> tuple[Clinic, list[tuple[int, uuid.UUID]]]:
    """Free slots of clinic-local days first_day..last_day (inclusive, at most 62 days), as
    (start, practitioner id) sorted by start then practitioner, each start in integer
    microseconds since the epoch (UTC): thousands of slots per search, serialized without a
    datetime each (`schemas.availability_json`).

    Only practitioners who are active, qualified, licensed on the day and working at the
    clinic are offered. With `reschedule_session_id`, that session's own time counts as free,
    its patient's other sessions as busy, its plan's spacing is kept, and the practitioner
    defaults to its own.
    """
    if last_day < first_day:
        raise InvalidInput(["query", "to"], "`to` must not be before `from`.")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise InvalidInput(["query", "to"], f"At most {MAX_DAYS} days per search.")
    practitioner_known = (
        exists().where(Practitioner.id == practitioner_id)
        if practitioner_id is not None
        else literal(True)
    )
    row = db.execute(select(Clinic, practitioner_known).where(Clinic.id == clinic_id)).first()
    if row is None:
        raise InvalidInput(["query", "clinic_id"], "Unknown clinic.")
    clinic, known = row
    if practitioner_id is not None and not known:
        raise InvalidInput(["query", "practitioner_id"], "Unknown practitioner.")

    patient_id = plan_id = None
    if reschedule_session_id is not None:
        moving = db.scalar(
            select(TreatmentSession).where(
                TreatmentSession.id == reschedule_session_id,
                care_scope(user).inline(TreatmentSession.clinic_id, TreatmentSession.patient_id),
            )
        )
        if moving is None:
            raise InvalidInput(["query", "reschedule_session_id"], "Unknown session.")
        patient_id, plan_id = moving.patient_id, moving.plan_id
        practitioner_id = practitioner_id or moving.practitioner_id

    query = CalendarQuery(
        clinic=clinic,
        first_day=first_day,
        last_day=last_day,
        practitioner_id=practitioner_id,
        patient_id=patient_id,
        plan_id=plan_id,
        exclude_session_id=reschedule_session_id,
        session_ends=False,
    )
    loaded = load_calendar(db, query)
    now_us = slots.to_us(clock.now())
    # Sorted by start, ties by practitioner id (as text): one integer per slot, start·n + rank,
    # sorted once.
    order = sorted(loaded.practitioner_ids, key=str)
    n = len(order)
    keyed: list[int] = []
    for rank, pid in enumerate(order):
        starts = slots.free_starts_us(loaded.blocked(pid), first_day, last_day, now_us)
        keyed += [start * n + rank for start in starts]
    keyed.sort()
    return clinic, [(k // n, order[k % n]) for k in keyed]
