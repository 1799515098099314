"""Headers every response carries: health data must not be kept by a browser or a proxy
(`Cache-Control: no-store`), nor read as another type than it says
(`X-Content-Type-Options: nosniff`).

Pure ASGI (no `BaseHTTPMiddleware`, which costs a task and a stream per request): it only
extends the headers of the response's start message. `SecuredFastAPI` puts it outside
Starlette's own error middleware, so an unexpected error's 500 carries them too.
"""

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.common.request_id import RequestId
from api.docs import ASSETS_URL

NO_STORE = (b"cache-control", b"no-store")
NOSNIFF = (b"x-content-type-options", b"nosniff")


class SecurityHeaders:
    """`nosniff` on every HTTP response; `no-store` on every one except those under
    `cacheable_prefixes` (the docs' static scripts and styles, which hold no data) and those
    that already say how they may be cached."""

    def __init__(self, app: ASGIApp, cacheable_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.cacheable_prefixes = cacheable_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        no_store = not scope["path"].startswith(self.cacheable_prefixes)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                if NOSNIFF[0] not in names:
                    headers.append(NOSNIFF)
                if no_store and NO_STORE[0] not in names:
                    headers.append(NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SecuredFastAPI(FastAPI):
    """FastAPI whose whole middleware stack, error handling included, is wrapped in
    `SecurityHeaders`, and that in `RequestId` (so every response, a 500 too, names its
    request and every log line written for it does); the docs' static assets may be
    cached."""

    cacheable_prefixes: tuple[str, ...] = (f"{ASSETS_URL}/",)

    def build_middleware_stack(self) -> ASGIApp:
        return RequestId(SecurityHeaders(super().build_middleware_stack(), self.cacheable_prefixes))
