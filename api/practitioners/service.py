"""Practitioners: their record, licence, qualifications and clinics."""

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.db import delete_or_in_use
from api.errors import InvalidInput, NotFound, RuleConflict
from api.practitioners.models import Practitioner, WorkingHours, practitioner_clinics
from api.practitioners.schemas import PractitionerCreate, PractitionerUpdate
from api.users.models import User
from api.vocabulary import ConflictCode


def get_practitioner(db: Session, practitioner_id: uuid.UUID) -> Practitioner:
    stmt = (
        select(Practitioner)
        .where(Practitioner.id == practitioner_id)
        .options(selectinload(Practitioner.clinics))
    )
    practitioner = db.scalar(stmt)
    if practitioner is None:
        raise NotFound("Practitioner")
    return practitioner


def list_practitioners(
    db: Session,
    params: PageParams,
    *,
    clinic_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> tuple[list[Practitioner], str | None]:
    """By family name, given name and id; optionally only those working at `clinic_id`."""
    stmt = select(Practitioner).options(selectinload(Practitioner.clinics))
    if clinic_id is not None:
        stmt = stmt.where(
            Practitioner.id.in_(
                select(practitioner_clinics.c.practitioner_id).where(
                    practitioner_clinics.c.clinic_id == clinic_id
                )
            )
        )
    if active is not None:
        stmt = stmt.where(Practitioner.active == active)
    keys = [
        SortKey(Practitioner.family_name),
        SortKey(Practitioner.given_name),
        SortKey(Practitioner.id),
    ]
    return paginate(db, stmt, keys, params)


def _clinics(db: Session, clinic_ids: Sequence[uuid.UUID]) -> list[Clinic]:
    wanted = set(clinic_ids)
    if not wanted:
        return []
    found = {c.id: c for c in db.scalars(select(Clinic).where(Clinic.id.in_(wanted)))}
    for i, clinic_id in enumerate(clinic_ids):
        if clinic_id not in found:
            raise InvalidInput(["body", "clinic_ids", i], "Unknown clinic.")
    return [found[c] for c in dict.fromkeys(clinic_ids)]


def _ensure_license_free(
    db: Session, authority: str, number: str, practitioner_id: uuid.UUID | None
) -> None:
    stmt = (
        select(func.count())
        .select_from(Practitioner)
        .where(Practitioner.license_authority == authority, Practitioner.license_number == number)
    )
    if practitioner_id is not None:
        stmt = stmt.where(Practitioner.id != practitioner_id)
    if db.scalar(stmt):
        raise RuleConflict.one(
            ConflictCode.LICENSE_EXISTS,
            "Another practitioner holds this licence number of this authority.",
        )


def create_practitioner(db: Session, data: PractitionerCreate) -> Practitioner:
    """Create a practitioner. A licence (authority, number) belongs to one practitioner; the
    clinics must exist."""
    clinics = _clinics(db, data.clinic_ids)
    _ensure_license_free(db, data.license_authority, data.license_number, None)
    practitioner = Practitioner(**data.model_dump(exclude={"clinic_ids"}), clinics=clinics)
    db.add(practitioner)
    db.flush()
    return practitioner


def update_practitioner(
    db: Session, practitioner: Practitioner, data: PractitionerUpdate
) -> Practitioner:
    """Change a practitioner. Leaving a clinic drops the weekly hours at that clinic."""
    changes = data.model_dump(exclude_unset=True)
    clinic_ids = changes.pop("clinic_ids", None)
    if clinic_ids is not None:
        clinics = _clinics(db, clinic_ids)
        kept = {c.id for c in clinics}
        db.execute(
            delete(WorkingHours).where(
                WorkingHours.practitioner_id == practitioner.id,
                WorkingHours.clinic_id.not_in(kept),
            )
        )
        practitioner.clinics = clinics
    if "license_authority" in changes or "license_number" in changes:
        _ensure_license_free(
            db,
            changes.get("license_authority", practitioner.license_authority),
            changes.get("license_number", practitioner.license_number),
            practitioner.id,
        )
    for field, value in changes.items():
        setattr(practitioner, field, value)
    # The clinics live in a link table: bump the row so that its ETag changes with them.
    practitioner.updated_at = clock.now()
    db.flush()
    return practitioner


def delete_practitioner(db: Session, practitioner: Practitioner) -> None:
    """Remove a practitioner with their hours and time off. One that an account, a plan or a
    session refers to stays (409): deactivate them with `active: false` instead."""
    linked = select(func.count()).select_from(User).where(User.practitioner_id == practitioner.id)
    if db.scalar(linked):
        raise RuleConflict.one(
            ConflictCode.IN_USE, "A user account is linked to this practitioner."
        )
    delete_or_in_use(db, practitioner, "Treatment plans or sessions refer to this practitioner.")
