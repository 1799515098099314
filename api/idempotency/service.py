"""Idempotency-Key for POSTs that create: a retry gets the first answer, nothing new is written.

Usage in a route (see `POST /sessions`):

    if key:  # the fingerprint only matters with a key (hashing costs on a hot path)
        fingerprint = request_fingerprint("POST /sessions", body)
        if stored := replay(db, user.id, key, fingerprint):
            return stored.response()
    ... do the work, build `payload` ...
    if key:
        remember(db, user.id, key, fingerprint, 201, payload)

Only successful answers are remembered: a refused request wrote nothing, so its retry is
simply evaluated again. A key is kept for `KEEP` (24 hours); an older record is ignored and
purged, so the key can be used afresh.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.common import clock
from api.errors import InvalidInput
from api.idempotency.models import IdempotencyRecord

KEEP = timedelta(hours=24)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="A retry with the same key and body returns the first answer (24 hours).",
    ),
]


@dataclass(frozen=True)
class StoredAnswer:
    status_code: int
    body: dict[str, Any]

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, status_code=self.status_code)


def request_fingerprint(operation: str, body: BaseModel | dict[str, Any]) -> str:
    """A hash of the operation and its body, independent of key order and whitespace."""
    data = body.model_dump(mode="json") if isinstance(body, BaseModel) else body
    canonical = json.dumps([operation, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def replay(db: Session, user_id: uuid.UUID, key: str, fingerprint: str) -> StoredAnswer | None:
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
    return StoredAnswer(record.status_code, record.response_body)


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
