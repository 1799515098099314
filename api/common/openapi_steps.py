"""Steps that complete the OpenAPI document once FastAPI has generated it."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI


def extend_openapi(app: FastAPI, step: Callable[[dict[str, Any]], None]) -> None:
    """Have `app.openapi()` apply `step` to the document, once per document generated."""
    generate = app.openapi
    done: list[dict[str, Any]] = []  # the document last completed (FastAPI caches it)

    def openapi() -> dict[str, Any]:
        doc = generate()
        if not done or done[0] is not doc:
            step(doc)
            done[:] = [doc]
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
