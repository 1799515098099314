"""Logging in, with failed attempts limited per account and per client address.

Failures are rows in the database, so every API process behind a load balancer sees them.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.auth.passwords import burn_verification, verify_password
from api.common import clock
from api.errors import TooManyRequests
from api.users.models import LoginFailure, User
from api.users.service import find_by_email, normalize_email

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 10
MAX_FAILURES_PER_ADDRESS = 50


def _oldest_blocking(
    db: Session, column: InstrumentedAttribute[str], value: str, limit: int
) -> datetime | None:
    """The failure whose expiry lifts the block, or None when under the limit."""
    since = clock.now() - WINDOW
    recent = (
        select(LoginFailure.at)
        .where(column == value, LoginFailure.at > since)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
        .subquery()
    )
    count, oldest = db.execute(select(func.count(), func.min(recent.c.at))).one()
    if count < limit:
        return None
    result: datetime = oldest
    return result


def check_not_locked(db: Session, email: str, address: str) -> None:
    """429 once 10 failures for one email, or 50 from one address, fall in 15 minutes."""
    blocking = [
        at
        for at in (
            _oldest_blocking(db, LoginFailure.email, email, MAX_FAILURES_PER_EMAIL),
            _oldest_blocking(db, LoginFailure.client_address, address, MAX_FAILURES_PER_ADDRESS),
        )
        if at is not None
    ]
    if blocking:
        lifted_at = max(blocking) + WINDOW
        wait = int((lifted_at - clock.now()).total_seconds()) + 1
        raise TooManyRequests("Too many failed logins; try again later.", wait)


def authenticate(db: Session, email: str, password: str, address: str) -> User | None:
    """The active user with this email and password, or None (and the failure is recorded)."""
    email = normalize_email(email)
    check_not_locked(db, email, address)
    user = find_by_email(db, email)
    if user is None:
        burn_verification(password)
    elif user.active and verify_password(user.password_hash, password):
        return user
    db.add(LoginFailure(email=email, client_address=address))
    db.flush()
    return None
