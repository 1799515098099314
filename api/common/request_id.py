"""One id per request: taken from the client's `X-Request-ID` when it is sane, made otherwise,
echoed in the response's `X-Request-ID` and held in `current_request_id` while the request is
served, so that every log line written for it names it (`api.logging.RequestIdFilter`).

Pure ASGI, around the whole stack (`SecuredFastAPI`): the id is set before any middleware,
handler or dependency runs, in the request's own context, which Starlette copies into the
thread pool for sync endpoints and dependencies and which uvicorn's access log shares.
"""

import re
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = b"x-request-id"
# What a proxy or a client sends (UUIDs, hex, base64url-ish ids, "trace-1.2:3"): bounded and
# made of characters that cannot break a log line or a header. Anything else is replaced.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: bytes | None) -> str:
    """The client's id if it is sane, else a new one."""
    if value is not None:
        try:
            text = value.decode("ascii")
        except UnicodeDecodeError:
            text = ""
        if SANE_ID.fullmatch(text):
            return text
    return new_request_id()


class RequestId:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value for name, value in scope["headers"] if name == HEADER), None)
        request_id = sane_request_id(given)
        encoded = request_id.encode("ascii")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() != HEADER]
                headers.append((HEADER, encoded))
                message = {**message, "headers": headers}
            await send(message)

        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            current_request_id.reset(token)
