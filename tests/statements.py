"""Counting the SQL statements a piece of the application sends."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, event


@contextmanager
def counting(target: Engine | Connection) -> Iterator[list[str]]:
    """The SQL statements sent through `target` while inside, as they were sent."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)


def queries(statements: list[str]) -> list[str]:
    """`statements` without the savepoints of the tests' own transaction."""
    ours = ("SAVEPOINT", "RELEASE", "ROLLBACK")
    return [s for s in statements if not s.lstrip().upper().startswith(ours)]
