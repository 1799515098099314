"""One webhook attempt: an HTTP POST of a body with its headers to a vetted `Target`.

The connection goes to one of the target's vetted addresses (tried in order while they refuse
the connection), never to a fresh look-up of its name; the `Host` header and, for https, the
TLS server name (SNI) and the certificate check use the target's host name (httpcore's
`sni_hostname` request extension), so pinning the address costs no certificate checking.
Redirects are not followed (a 3xx answer is a failure), no proxy from the environment is used,
and `timeout` (10 s, DESIGN section 9) bounds the whole exchange up to the answer's status
line; the answer's body is then read for what is left of it, at most `max_response_bytes`
kept, and the connection is closed.

`send` is a coroutine, so a worker can run several attempts at once; synchronous code runs
one with `asyncio.run(send(…))`.
"""

import asyncio
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from api.webhooks.addresses import IPAddress
from api.webhooks.destinations import Target

TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 64 * 1024
USER_AGENT = "meso-clinic-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to: the answer's status (None when there was none), why it
    failed (None when it succeeded: a 2xx answer in time), how long it took in seconds, and
    the start of the answer's body."""

    status_code: int | None
    error: str | None
    elapsed: float
    body: bytes = b""

    @property
    def succeeded(self) -> bool:
        return self.error is None


def _url(target: Target, address: IPAddress) -> httpx.URL:
    return httpx.URL(
        scheme=target.scheme, host=str(address), port=target.port, raw_path=target.path.encode()
    )


def _is_name(host: str) -> bool:
    return not (":" in host or host.replace(".", "").isdigit())


async def send(
    target: Target,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout: float = TIMEOUT_SECONDS,
    max_response_bytes: int = MAX_RESPONSE_BYTES,
    verify: ssl.SSLContext | bool = True,
) -> Outcome:
    """POST `body` with `headers` to `target` once and say how it went; never raises for what
    the network or the receiver does. `verify` is for tests (a context trusting their own
    certificate authority)."""
    loop = asyncio.get_running_loop()
    started = time.monotonic()
    deadline = loop.time() + timeout
    extensions = {"sni_hostname": target.host} if _is_name(target.host) else {}
    request_headers = {
        **headers,
        "host": target.host_header,
        "user-agent": USER_AGENT,
        "accept-encoding": "identity",  # the body kept is a bounded slice, never inflated
    }

    def done(status: int | None, error: str | None, kept: bytes = b"") -> Outcome:
        return Outcome(status, error, time.monotonic() - started, kept)

    async with httpx.AsyncClient(
        follow_redirects=False, trust_env=False, verify=verify, timeout=timeout
    ) as client:
        refused: list[str] = []
        for address in target.addresses:
            request = client.build_request(
                "POST",
                _url(target, address),
                content=body,
                headers=request_headers,
                extensions=extensions,
            )
            try:
                async with asyncio.timeout_at(deadline):
                    response = await client.send(request, stream=True)
            except (TimeoutError, httpx.TimeoutException):
                return done(None, f"no answer within {timeout:g} s")
            except httpx.ConnectError as error:
                refused.append(f"{address}: {error}")
                continue
            except httpx.HTTPError as error:
                return done(None, f"the exchange failed: {error}")
            try:
                kept = await _read_bounded(response, max_response_bytes, deadline)
            finally:
                await response.aclose()
            return done(response.status_code, _status_error(response.status_code), kept)
        return done(None, "could not connect (" + "; ".join(refused) + ")")


def _status_error(status: int) -> str | None:
    if 200 <= status < 300:
        return None
    if 300 <= status < 400:
        return f"the receiver answered {status}, a redirect, which is not followed"
    return f"the receiver answered {status}"


async def _read_bounded(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """At most `limit` bytes of the answer's body, read until `deadline` at the latest. The
    status decides the outcome; a body cut short changes nothing."""
    kept = bytearray()
    try:
        async with asyncio.timeout_at(deadline):
            async for chunk in response.aiter_raw():
                kept += chunk[: limit - len(kept)]
                if len(kept) >= limit:
                    break
    except (TimeoutError, httpx.HTTPError):
        pass
    return bytes(kept)
