"""The `Idempotency-Key` header, and an `Answer` as the route's response."""

from typing import Annotated

from fastapi import Header
from fastapi.responses import JSONResponse

from api.idempotency.service import Answer

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="A retry with the same key and body returns the first answer (24 hours).",
    ),
]


def as_response(answer: Answer) -> JSONResponse:
    return JSONResponse(answer.body, status_code=answer.status_code, headers=dict(answer.headers))
