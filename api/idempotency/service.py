"""Idempotency-Key for POSTs that create: a retry gets the first answer, nothing new is written.

Usage in a route (see `POST /sessions`): the work goes in a function that returns an `Answer`,
and the route answers `as_response(run_once(db, user.id, key, "POST /sessions", body, work))`
(`api.idempotency.deps` holds the header and `as_response`).

Only answers that wrote something are remembered (`Answer.remembered`): a refused request
wrote nothing, so its retry is simply evaluated again, and so is a dry run. A key is kept for
`KEEP` (24 hours); an older record is ignored and purged, so the key can be used afresh.
"""

import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.common import clock
from api.errors import InvalidInput
from api.idempotency.models import IdempotencyRecord

KEEP = timedelta(hours=24)


@dataclass(frozen=True)
class Answer:
    """A JSON answer. `headers` are not remembered: a replay gives the status and body."""

    status_code: int
    body: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)
    remembered: bool = True


def request_fingerprint(operation: str, body: BaseModel | dict[str, Any]) -> str:
    """A hash of the operation and its body, independent of key order and whitespace."""
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    canonical = json.dumps([operation, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(db: Session, user_id: uuid.UUID, key: str, fingerprint: str) -> Answer | None:
    """The first answer given to `user_id` for `key`, or None when the key is new (or expired).

    The same key with another body is 422: the client reused a key for a different request.
    """
    cutoff = clock.now() - KEEP
    db.execute(
        delete(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.created_at < cutoff
        )
    )
    record = db.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise InvalidInput(
            ["header", "Idempotency-Key"], "This key was already used with a different request."
        )
    return Answer(record.status_code, record.response_body)


def remember(
    db: Session,
    user_id: uuid.UUID,
    key: str,
    fingerprint: str,
    status_code: int,
    body: dict[str, Any],
) -> None:
    """Keep the answer given for `key`, in the same transaction as the work it describes."""
    db.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            request_hash=fingerprint,
            status_code=status_code,
            response_body=body,
        )
    )
    db.flush()


def run_once(
    db: Session,
    user_id: uuid.UUID,
    key: str | None,
    operation: str,
    request: BaseModel,
    work: Callable[[], Answer],
) -> Answer:
    """`work()`'s answer; with a key, the first answer given for it (`replay`) when there is
    one, else `work()`'s, remembered when it wrote something. Without a key nothing is hashed
    or read (booking is a hot path)."""
    if not key:
        return work()
    fingerprint = request_fingerprint(operation, request)
    stored = replay(db, user_id, key, fingerprint)
    if stored is not None:
        return stored
    answer = work()
    if answer.remembered:
        remember(db, user_id, key, fingerprint, answer.status_code, answer.body)
    return answer
