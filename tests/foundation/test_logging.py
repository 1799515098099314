"""Structured logs: LOG_LEVEL, one request id per request on every line written for it and in
the response's X-Request-ID, logging and the garbage collector set when a server starts and
never at import."""

import asyncio
import io
import json
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.config import Settings
from api.logging import make_handler
from tests.servers import run_python, server

log = logging.getLogger("tests.request_log")
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def written() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The JSON lines the app's handler has written since the test began, by this test's
    logger (the handler sees every logger's records)."""
    stream = io.StringIO()
    handler = make_handler("DEBUG", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def read() -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [line for line in parsed if line["logger"] == log.name]

    try:
        yield read
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
def logging_app(app: FastAPI) -> FastAPI:
    """The app with two routes that log before and after waiting for each other: an async
    one (on the event loop) and a sync one (in the thread pool)."""
    both_started = asyncio.Event()
    started: list[str] = []

    async def async_route(name: str) -> dict[str, str]:
        log.info("start %s", name, extra={"step": "start"})
        started.append(name)
        if len(started) == 2:
            both_started.set()
        await asyncio.wait_for(both_started.wait(), timeout=10)
        log.info("end %s", name, extra={"step": "end"})
        return {"name": name}

    def sync_route() -> dict[str, str]:
        log.info("in the thread pool")
        return {}

    app.add_api_route("/test-log/async/{name}", async_route, methods=["GET"])
    app.add_api_route("/test-log/sync", sync_route, methods=["GET"])
    return app


def test_every_line_of_a_request_names_its_id_and_the_response_echoes_it(
    logging_app: FastAPI, written: Callable[[], list[dict[str, Any]]]
) -> None:
    with TestClient(logging_app) as client:
        given = client.get("/test-log/sync", headers={"X-Request-ID": "edge-proxy:42.a_b-C"})
        made = client.get("/test-log/sync")
    assert given.headers["X-Request-ID"] == "edge-proxy:42.a_b-C"
    assert GENERATED.fullmatch(made.headers["X-Request-ID"])
    assert [line["request_id"] for line in written()] == [
        "edge-proxy:42.a_b-C",
        made.headers["X-Request-ID"],
    ]
    assert {line["level"] for line in written()} == {"INFO"}


def test_two_concurrent_requests_keep_their_own_ids(
    logging_app: FastAPI, written: Callable[[], list[dict[str, Any]]]
) -> None:
    async def both() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=logging_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return list(
                await asyncio.gather(
                    client.get("/test-log/async/one", headers={"X-Request-ID": "id-one"}),
                    client.get("/test-log/async/two"),
                )
            )

    one, two = asyncio.run(both())
    assert one.headers["X-Request-ID"] == "id-one"
    second_id = two.headers["X-Request-ID"]
    assert GENERATED.fullmatch(second_id)
    ours = written()
    # Both started before either ended: the lines of the two requests are interleaved.
    assert [line["step"] for line in ours] == ["start", "start", "end", "end"]
    for line in ours:
        expected = "id-one" if line["message"].endswith("one") else second_id
        assert line["request_id"] == expected


@pytest.mark.parametrize(
    "hostile",
    [
        b"x" * 129,
        b"",
        b"two words",
        b'{"id": 1}',
        b"id\tsplit",
        "caf\u00e9".encode(),
        b"\xff\xfe",
        b"../../etc/passwd%00",
    ],
)
def test_a_hostile_request_id_is_replaced(
    logging_app: FastAPI, written: Callable[[], list[dict[str, Any]]], hostile: bytes
) -> None:
    with TestClient(logging_app) as client:
        response = client.get("/test-log/sync", headers=[(b"X-Request-ID", hostile)])
    assert response.status_code == 200
    replaced = response.headers["X-Request-ID"]
    assert GENERATED.fullmatch(replaced)
    assert [line["request_id"] for line in written()] == [replaced]


def test_every_response_names_its_request_errors_included(client: TestClient) -> None:
    for path in ("/health", "/api/v1/no-such-thing", "/api/v1/auth/me"):
        response = client.get(path, headers={"X-Request-ID": "r-1"})
        assert response.headers["X-Request-ID"] == "r-1", path
        assert response.headers.get_list("X-Request-ID") == ["r-1"]


def test_log_level_is_validated_and_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().log_level == "INFO"
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert Settings().log_level == "DEBUG"
    with pytest.raises(ValidationError, match="log_level"):
        Settings(log_level="verbose")


_PROBE = """
import gc, json, logging
from fastapi.testclient import TestClient
from api.config import Settings
import api.main
from api.main import create_app

imported = {"handlers": len(logging.getLogger().handlers), "threshold": gc.get_threshold()[0],
            "frozen": gc.get_freeze_count()}
with TestClient(create_app(Settings(database_url="sqlite://", secret_key="k" * 40))):
    test_app = {"handlers": len(logging.getLogger().handlers), "threshold": gc.get_threshold()[0],
                "frozen": gc.get_freeze_count()}
settings = Settings(database_url="sqlite://", secret_key="k" * 40, log_level="warning")
with TestClient(create_app(settings, serving=True)):
    root = logging.getLogger()
    serving = {"handlers": len(root.handlers), "threshold": gc.get_threshold()[0],
               "frozen": gc.get_freeze_count(), "level": logging.getLevelName(root.level),
               "formatter": type(root.handlers[0].formatter).__name__}
print(json.dumps({"imported": imported, "test_app": test_app, "serving": serving}))
"""


@pytest.mark.slow
def test_logging_and_the_gc_are_set_when_a_server_starts_not_at_import() -> None:
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "k" * 40}
    result = run_python("-c", _PROBE, env=env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    untouched = {"handlers": 0, "threshold": 700, "frozen": 0}
    assert seen["imported"] == untouched
    assert seen["test_app"] == untouched
    assert seen["serving"]["handlers"] == 1
    assert seen["serving"]["formatter"] == "JsonFormatter"
    assert seen["serving"]["level"] == "WARNING"
    assert seen["serving"]["threshold"] == 10_000
    assert seen["serving"]["frozen"] > 0


@pytest.mark.slow
def test_a_server_writes_json_lines_naming_each_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "info")
    with server(f"sqlite:///{tmp_path / 'log.db'}", "--log-level", "info") as base:
        capfd.readouterr()  # the lines of start-up
        for request_id in ("probe-1", "probe-2"):
            response = httpx.get(f"{base}/health", headers={"X-Request-ID": request_id})
            assert response.headers["X-Request-ID"] == request_id
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line]
    access = [line for line in lines if line["logger"] == "uvicorn.access"]
    assert [line["request_id"] for line in access] == ["probe-1", "probe-2"]
    assert all("GET /health" in line["message"] for line in access)
    assert all(line["at"].endswith("+00:00") for line in lines)
    assert not any("color_message" in line for line in lines)
