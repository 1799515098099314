"""Accounts: creation, linking to clinics and records, deactivation."""

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.passwords import hash_password
from api.clinics.models import Clinic
from api.common import clock
from api.common.pagination import PageParams, SortKey, paginate
from api.errors import InvalidInput, NotFound, RuleConflict
from api.patients.models import Patient
from api.practitioners.models import Practitioner
from api.users.models import STAFF_ROLES, User
from api.users.schemas import UserCreate, UserUpdate
from api.vocabulary import ConflictCode, Role


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == normalize_email(email)))


def _clinics(db: Session, role: str, clinic_ids: Sequence[uuid.UUID]) -> list[Clinic]:
    if clinic_ids and role not in STAFF_ROLES:
        raise InvalidInput(["body", "clinic_ids"], "Only staff accounts are tied to clinics.")
    wanted = set(clinic_ids)
    found = list(db.scalars(select(Clinic).where(Clinic.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted):
        raise InvalidInput(["body", "clinic_ids"], "Unknown clinic id.")
    return found


def _check_links(
    db: Session, role: str, practitioner_id: uuid.UUID | None, patient_id: uuid.UUID | None
) -> None:
    if practitioner_id is not None:
        if role != Role.PRACTITIONER:
            raise InvalidInput(["body", "practitioner_id"], "Only for a practitioner's account.")
        if db.get(Practitioner, practitioner_id) is None:
            raise InvalidInput(["body", "practitioner_id"], "Unknown practitioner.")
    if patient_id is not None:
        if role != Role.PATIENT:
            raise InvalidInput(["body", "patient_id"], "Only for a patient's account.")
        if db.get(Patient, patient_id) is None:
            raise InvalidInput(["body", "patient_id"], "Unknown patient.")


def _ensure_link_free(
    db: Session, user_id: uuid.UUID | None, column: str, value: uuid.UUID | None
) -> None:
    if value is None:
        return
    stmt = select(func.count()).select_from(User).where(getattr(User, column) == value)
    if user_id is not None:
        stmt = stmt.where(User.id != user_id)
    if db.scalar(stmt):
        raise RuleConflict.one(
            ConflictCode.ACCOUNT_EXISTS, f"Another account is already linked ({column})."
        )


def create_user(db: Session, data: UserCreate, *, user_id: uuid.UUID | None = None) -> User:
    """Create an account; the email is unique (case-insensitive) and links must exist.
    `user_id`: the id to give it (the demo's fixed ids), else a random one."""
    email = normalize_email(data.email)
    if find_by_email(db, email) is not None:
        raise RuleConflict.one(ConflictCode.ACCOUNT_EXISTS, "An account with this email exists.")
    clinics = _clinics(db, data.role, data.clinic_ids)
    _check_links(db, data.role, data.practitioner_id, data.patient_id)
    _ensure_link_free(db, None, "practitioner_id", data.practitioner_id)
    _ensure_link_free(db, None, "patient_id", data.patient_id)
    user = User(
        email=email,
        password_hash=hash_password(data.password),
        role=data.role.value,
        active=data.active,
        practitioner_id=data.practitioner_id,
        patient_id=data.patient_id,
        clinics=clinics,
    )
    if user_id is not None:
        user.id = user_id
    db.add(user)
    db.flush()
    return user


def get_user(db: Session, user_id: uuid.UUID) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("User")
    return user


def update_user(db: Session, user: User, data: UserUpdate) -> User:
    """Change an account; `active: false` deactivates it and its tokens stop working."""
    fields = data.model_fields_set
    if "clinic_ids" in fields and data.clinic_ids is not None:
        user.clinics = _clinics(db, user.role, data.clinic_ids)
    if "practitioner_id" in fields or "patient_id" in fields:
        practitioner_id = data.practitioner_id if "practitioner_id" in fields else None
        patient_id = data.patient_id if "patient_id" in fields else None
        _check_links(db, user.role, practitioner_id, patient_id)
        if "practitioner_id" in fields:
            _ensure_link_free(db, user.id, "practitioner_id", practitioner_id)
            user.practitioner_id = practitioner_id
        if "patient_id" in fields:
            _ensure_link_free(db, user.id, "patient_id", patient_id)
            user.patient_id = patient_id
    if data.password is not None:
        user.password_hash = hash_password(data.password)
    if data.active is not None:
        user.active = data.active
    # A change of clinics alone touches no column of the row: bump it so the ETag changes.
    user.updated_at = clock.now()
    db.flush()
    return user


def list_users(
    db: Session, params: PageParams, role: Role | None = None
) -> tuple[list[User], str | None]:
    stmt = select(User)
    if role is not None:
        stmt = stmt.where(User.role == role.value)
    return paginate(db, stmt, [SortKey(User.email), SortKey(User.id)], params)
