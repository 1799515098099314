"""Entity tags for single resources and the `If-Match` precondition of `PATCH`.

The tag is derived from the row's id and `updated_at`, so it changes whenever the row does; a
service that changes what a resource shows without touching its row (a link table) must bump
`updated_at` itself.
"""

import hashlib
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Header

from api.errors import PreconditionFailed


def etag_of(row_id: uuid.UUID, updated_at: datetime) -> str:
    digest = hashlib.sha256(f"{row_id}:{updated_at.isoformat()}".encode()).hexdigest()
    return f'"{digest[:32]}"'


def check_if_match(if_match: str | None, current: str) -> None:
    """412 unless `If-Match` is absent, `*`, or lists the current tag. A `W/` prefix added by a
    proxy that compressed the response is ignored: the tag still names one version of the row."""
    if if_match is None:
        return
    tags = [tag.strip().removeprefix("W/") for tag in if_match.split(",")]
    if "*" in tags or current in tags:
        return
    raise PreconditionFailed()


IfMatch = Annotated[
    str | None,
    Header(
        description="The `ETag` of the version you read; a stale one is 412.",
        max_length=2000,
    ),
]
