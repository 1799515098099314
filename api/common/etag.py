"""Entity tags for single resources and the `If-Match` precondition of PATCH."""

import hashlib
import uuid
from datetime import datetime
from typing import Annotated

from fastapi import Header, Response

from api.errors import PreconditionFailed

# Our tags are 34 characters; a list of a few of them, weak or strong, fits well within this.
IF_MATCH_MAX_LENGTH = 2000

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=IF_MATCH_MAX_LENGTH,
        description="The `ETag` you read (`*` matches any); a stale one is 412.",
    ),
]
"""The optional `If-Match` header of a PATCH: `if_match: IfMatch = None`, then
`check_if_match`."""


def etag_for(resource_id: uuid.UUID, updated_at: datetime, *state: object) -> str:
    """A strong ETag derived from the row's id and its last change, plus any `state` that
    must change the tag even when two changes share an instant (sessions: status, start)."""
    raw = ":".join([str(resource_id), updated_at.isoformat(), *map(str, state)])
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f'"{digest[:32]}"'


def set_etag(response: Response, resource_id: uuid.UUID, updated_at: datetime) -> None:
    response.headers["ETag"] = etag_for(resource_id, updated_at)


def check_if_match(
    if_match: str | None, resource_id: uuid.UUID, updated_at: datetime, *state: object
) -> None:
    """412 when `If-Match` is sent and names none of the current tags (`*` always matches).

    Weak tags (`W/"…"`) are compared by their opaque part, as a client may have received a
    weakened tag from a proxy.
    """
    if if_match is None:
        return
    current = etag_for(resource_id, updated_at, *state)
    for candidate in if_match.split(","):
        tag = candidate.strip()
        if tag == "*":
            return
        tag = tag.removeprefix("W/")
        if tag == current or f'"{tag}"' == current:
            return
    raise PreconditionFailed()
