"""Structured logs: one JSON object per line on stderr, each naming the request it was written
for (`request_id`, null outside a request), configured once when a server starts
(`configure_logging`, from the lifespan of `api.main:app`), never at import.

The standard library's logging, not structlog: uvicorn, SQLAlchemy and Alembic all log through
it, so one handler with one filter puts the request id on their lines as on ours, and the few
log calls of the code need nothing structlog adds (bound loggers, processor chains) that would
justify a dependency. A call's `extra={...}` fields become fields of its line.
"""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from api.common.request_id import current_request_id

# Uvicorn sets these up with handlers of its own before it imports the app; their records go
# through ours instead, at the levels uvicorn's `--log-level` and `--no-access-log` chose.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")

# Attributes every LogRecord has; whatever else a record carries came from `extra=` (but
# uvicorn's `color_message`, its message again with terminal colours).
_STANDARD = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
    "color_message",
}


class RequestIdFilter(logging.Filter):
    """Puts the id of the request being served (or None) on every record it sees."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def make_handler(level: str, stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setLevel(level)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    return handler


def configure_logging(level: str, stream: TextIO | None = None) -> None:
    """Every record of the process, ours and the libraries', at `level` or above, as one JSON
    line with its request id. Replaces the root logger's handlers (a second call is the same
    as one)."""
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(make_handler(level, stream))
    root.setLevel(level)
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
