"""Request examples of the OpenAPI document that succeed against the demo data.

Each example refers to demo objects by their fixed ids (`api/common/demo_ids.py`) and to
times computed when the document is built: on the 15-minute grid, in the clinic's zone,
inside the demo practitioner's working hours, at least `LEAD_DAYS` ahead (after every session
the seed books, which lie within 28 days of seeding), so it stays in the future on a server
that runs for weeks. The document is cached per process; the examples are made again when the
clinic-local date changes. Registry: `examples(now)`, keyed by operationId.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from api.common import clock
from api.common.demo_ids import plan_id
from api.vocabulary import Role

PARIS = ZoneInfo("Europe/Paris")
LEAD_DAYS = 35


@dataclass(frozen=True)
class Example:
    summary: str
    value: Any
    roles: tuple[Role, ...]  # demo logins it succeeds as, on a freshly seeded demo


@dataclass(frozen=True)
class OperationExamples:
    examples: dict[str, Example]
    path: dict[str, str] = field(default_factory=dict)


def first_monday(now: datetime) -> date:
    """The first Paris-local Monday at least `LEAD_DAYS` ahead (the demo practitioner Claire
    Martin works in Paris on Mondays 09:00-13:00 and 14:00-18:00)."""
    day = now.astimezone(PARIS).date() + timedelta(days=LEAD_DAYS)
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _at(day: date, hour: int) -> str:
    return datetime.combine(day, time(hour), PARIS).isoformat()


ALL = tuple(Role)


def examples(now: datetime) -> dict[str, OperationExamples]:
    monday = first_monday(now)
    return {
        "bookSession": OperationExamples(
            {
                "book": Example(
                    f"Claire Dubois's face plan, Monday {monday} at 10:00 in Paris",
                    {
                        "treatment_plan_id": str(plan_id("face_active")),
                        "starts_at": _at(monday, 10),
                    },
                    ALL,
                )
            }
        ),
    }


def add_examples(doc: dict[str, Any], registry: dict[str, OperationExamples]) -> None:
    for item in doc["paths"].values():
        for op in item.values():
            entry = registry.get(op.get("operationId", ""))
            if entry is None:
                continue
            for media in op["requestBody"]["content"].values():
                media.pop("example", None)
                media["examples"] = {
                    name: {
                        "summary": ex.summary,
                        "description": "Succeeds on a freshly seeded demo (`python -m api "
                        "seed-demo`) logged in as "
                        + ", ".join(f"`{r.value}@demo.example.com`" for r in ex.roles)
                        + ".",
                        "value": ex.value,
                    }
                    for name, ex in entry.examples.items()
                }
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] in entry.path:
                    param["example"] = entry.path[param["name"]]


def install_examples(app: FastAPI) -> None:
    """Have `app.openapi()` carry the examples, made again when the Paris date changes."""
    generate = app.openapi
    built: list[Any] = []  # [document, the day its examples were made]

    def openapi() -> dict[str, Any]:
        doc = generate()
        day = clock.now().astimezone(PARIS).date()
        if not built or built[0] is not doc or built[1] != day:
            add_examples(doc, examples(clock.now()))
            built[:] = [doc, day]
        return doc

    app.openapi = openapi  # type: ignore[method-assign]
