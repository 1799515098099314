"""Bounds on what one request may make the server read: a hostile body must cost bounded time
and memory, and never hold up other clients."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response

TOO_LARGE = "The request body is larger than this API accepts ({limit} bytes)."


class BodyLimit:
    """413 for a body over `max_bytes`: at once when its Content-Length says so (nothing is
    read), and as soon as the bytes read pass the limit otherwise (a chunked body), so the
    server never holds more than the limit of one request's body."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = TOO_LARGE.format(limit=self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            response = problem_response(413, detail, slug="too-large", headers=_closing)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # FastAPI re-raises an HTTPException met while reading the body, so it
                    # reaches the problem handlers as a 413.
                    raise HTTPException(413, detail, headers=_closing)
            return message

        await self.app(scope, limited, send)


# The rest of an over-long body is not read: the connection is closed after the answer.
_closing = {"Connection": "close"}
