"""Logging in, with failed attempts limited per account and per client address.

Failures are rows in the database, so every API process behind a load balancer sees them.
The limit holds under concurrency: an attempt is counted and recorded as a failure *before*
its password is checked (`reserve_attempt`, committed by the caller), under a lock per email
and per address, and only a success removes it (`verify_attempt`). Thirty simultaneous
guesses for one account therefore get ten checks, not as many as were in flight.
"""

from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import InstrumentedAttribute, Session

from api.auth.passwords import burn_verification, verify_password
from api.common import clock
from api.common.text import fit
from api.errors import TooManyRequests
from api.users.models import ADDRESS_LENGTH, EMAIL_LENGTH, LoginFailure, User
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


def _serialize(db: Session, *keys: str) -> None:
    """Attempts for the same email or address count one after the other. On PostgreSQL a
    transaction lock per key, always taken in the same order (so two attempts cannot wait on
    each other); SQLite opens every transaction with BEGIN IMMEDIATE, one writer at a time."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def reserve_attempt(db: Session, email: str, address: str) -> LoginFailure:
    """Count this attempt as a failure until it succeeds (429 when the limit is reached). The
    caller commits it before checking the password, so concurrent attempts see it."""
    # No account has an email over 254 characters, but its attempts count all the same.
    email = fit(normalize_email(email), EMAIL_LENGTH)
    address = fit(address, ADDRESS_LENGTH)
    _serialize(db, f"login-email:{email}", f"login-address:{address}")
    check_not_locked(db, email, address)
    attempt = LoginFailure(email=email, client_address=address)
    db.add(attempt)
    db.flush()
    return attempt


def verify_attempt(db: Session, attempt: LoginFailure, email: str, password: str) -> User | None:
    """The active user with this email and password, whose attempt then no longer counts; or
    None, the attempt staying a failure. The password is verified whether or not the account
    exists or is active, so timing does not tell them apart."""
    user = find_by_email(db, normalize_email(email))
    if user is None:
        burn_verification(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    db.delete(attempt)
    db.flush()
    return user
