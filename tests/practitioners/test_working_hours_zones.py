"""PUT /practitioners/{id}/working-hours at clinics of different time zones: compared as
instants, week by week over the coming year (53 weeks from the clinic-local today).

Offsets checked by hand: Paris is UTC+1 in winter and UTC+2 from the last Sunday of March to the
last Sunday of October; New York is UTC−5, and UTC−4 from the second Sunday of March to the
first Sunday of November; Tokyo is always UTC+9. In 2027 the US changes on 14 March and
7 November, the EU on 28 March and 31 October, so Paris is only 5 hours ahead of New York in
the weeks of Monday 15 and 22 March and of Monday 1 November (6 hours otherwise).
"""

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common import clock
from api.config import Settings
from api.practitioners.models import Practitioner
from api.vocabulary import Role
from tests.factories import (
    auth_headers,
    make_clinic,
    make_practitioner,
    make_user,
    make_working_hours,
)
from tests.practitioners.helpers import hours, stored, url

MONDAY_4_JANUARY_2027 = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)  # 13:00 Paris, 21:00 Tokyo


@pytest.fixture
def now() -> Iterator[datetime]:
    clock.freeze(MONDAY_4_JANUARY_2027)
    yield MONDAY_4_JANUARY_2027
    clock.freeze(None)


@pytest.fixture
def admin(db: Session, settings: Settings, now: datetime) -> dict[str, str]:
    """Logged in once the clock is frozen (the token's expiry is read from the same clock)."""
    return auth_headers(make_user(db, role=Role.ADMIN), settings)


@pytest.fixture
def paris(db: Session) -> Clinic:
    return make_clinic(db, name="Paris Opéra")


@pytest.fixture
def new_york(db: Session) -> Clinic:
    return make_clinic(
        db, name="New York SoHo", timezone="America/New_York", currency="USD", country="US"
    )


@pytest.fixture
def tokyo(db: Session) -> Clinic:
    return make_clinic(db, name="Tokyo Ginza", timezone="Asia/Tokyo", currency="JPY", country="JP")


def put(
    client: TestClient, practitioner: Practitioner, body: list[dict[str, Any]], headers: Any
) -> Any:
    return client.put(url(practitioner), json=body, headers=headers)


def test_the_same_instants_at_paris_and_new_york_are_422_naming_both_intervals(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, new_york: Clinic
) -> None:
    # Paris 14:00–18:00 CET and New York 08:00–12:00 EST are both 13:00–17:00 UTC.
    practitioner = make_practitioner(db, clinics=[paris, new_york])
    make_working_hours(db, practitioner, paris, weekday=6, start_minute=600, end_minute=660)
    body = [hours(paris, 0, "14:00", "18:00"), hours(new_york, 0, "08:00", "12:00")]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["type"] == "urn:meso-clinic:problem:validation-error"
    [error] = problem["errors"]
    assert error["loc"] == ["body", 1]
    assert error["msg"] == (
        "Meets another interval at the same instants: "
        "item 0, Paris Opéra (Europe/Paris) Monday 14:00–18:00 and "
        "item 1, New York SoHo (America/New_York) Monday 08:00–12:00; they meet on "
        "2027-01-04 14:00–18:00 Europe/Paris time (2027-01-04 08:00–12:00 America/New_York time)."
    )
    assert problem["detail"] == error["msg"]
    assert stored(db) == [(6, 600, 660)]


def test_the_same_wall_clock_at_paris_and_new_york_never_meets_and_is_accepted(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, new_york: Clinic
) -> None:
    # Paris 09:00–12:00 is 07:00–11:00 UTC at most; New York 10:00–12:00 is 14:00–17:00 UTC.
    practitioner = make_practitioner(db, clinics=[paris, new_york])
    body = [hours(paris, 0, "09:00", "12:00"), hours(new_york, 0, "10:00", "12:00")]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 200, response.text
    assert sorted(stored(db)) == [(0, 540, 720), (0, 600, 720)]


def test_touching_instants_across_zones_are_accepted(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, new_york: Clinic
) -> None:
    # New York 08:00 is Paris 14:00 every week, or 13:00 when only the US has changed: touching.
    practitioner = make_practitioner(db, clinics=[paris, new_york])
    body = [hours(paris, 0, "09:00", "13:00"), hours(new_york, 0, "08:00", "12:00")]
    assert put(client, practitioner, body, admin).status_code == 200


@pytest.mark.parametrize(
    ("frozen", "meeting"),
    [
        # From 4 January the first week with Paris only 5 hours ahead is that of 15 March.
        (MONDAY_4_JANUARY_2027, "2027-03-15"),
        # From 7 June (both on summer time) it is the week of 1 November.
        (datetime(2027, 6, 7, 12, 0, tzinfo=UTC), "2027-11-01"),
    ],
)
def test_hours_that_meet_only_between_the_us_and_eu_clock_changes_are_422(
    client: TestClient,
    db: Session,
    settings: Settings,
    paris: Clinic,
    new_york: Clinic,
    frozen: datetime,
    meeting: str,
) -> None:
    # Paris 14:00–15:00 and New York 09:00–10:00 touch when Paris is 6 hours ahead (New York
    # 09:00 is Paris 15:00) and are the same instants when it is 5 hours ahead.
    clock.freeze(frozen)
    headers = auth_headers(make_user(db, role=Role.ADMIN), settings)
    practitioner = make_practitioner(db, clinics=[paris, new_york])
    body = [hours(paris, 0, "14:00", "15:00"), hours(new_york, 0, "09:00", "10:00")]
    response = put(client, practitioner, body, headers)
    assert response.status_code == 422, response.text
    msg = response.json()["errors"][0]["msg"]
    assert msg.endswith(
        f"they meet on {meeting} 14:00–15:00 Europe/Paris time "
        f"({meeting} 09:00–10:00 America/New_York time)."
    )
    # An hour earlier in Paris they never meet: touching in those weeks, apart otherwise.
    body = [hours(paris, 0, "13:00", "14:00"), hours(new_york, 0, "09:00", "10:00")]
    assert put(client, practitioner, body, headers).status_code == 200


def test_a_tokyo_tuesday_morning_is_a_paris_monday_evening(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, tokyo: Clinic
) -> None:
    # Tokyo Tuesday 01:00–03:00 JST is Monday 16:00–18:00 UTC: Paris Monday 17:00–19:00 CET
    # (18:00–20:00 CEST in summer). Compared by weekday they would never meet.
    practitioner = make_practitioner(db, clinics=[paris, tokyo])
    body = [hours(paris, 0, "18:00", "19:00"), hours(tokyo, 1, "01:00", "03:00")]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["loc"] == ["body", 1]
    assert error["msg"] == (
        "Meets another interval at the same instants: "
        "item 0, Paris Opéra (Europe/Paris) Monday 18:00–19:00 and "
        "item 1, Tokyo Ginza (Asia/Tokyo) Tuesday 01:00–03:00; they meet on "
        "2027-01-04 18:00–19:00 Europe/Paris time (2027-01-05 02:00–03:00 Asia/Tokyo time)."
    )
    assert stored(db) == []
    # Tokyo Monday 01:00–03:00 is Sunday in Paris; Monday evening in Paris is Tokyo's night.
    body = [hours(paris, 0, "17:00", "19:00"), hours(tokyo, 0, "01:00", "03:00")]
    assert put(client, practitioner, body, admin).status_code == 200


def test_hours_ending_at_midnight_meet_the_next_day_elsewhere(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, tokyo: Clinic
) -> None:
    # Tokyo Sunday 20:00–24:00 JST is Sunday 11:00–15:00 UTC; Paris Sunday 15:00–17:00 CET is
    # 14:00–16:00 UTC, Tokyo 23:00 to Monday 01:00.
    practitioner = make_practitioner(db, clinics=[paris, tokyo])
    body = [hours(tokyo, 6, "20:00", "24:00"), hours(paris, 6, "15:00", "17:00")]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["msg"].endswith(
        "they meet on 2027-01-10 23:00–24:00 Asia/Tokyo time "
        "(2027-01-10 15:00–16:00 Europe/Paris time)."
    )


def test_clinics_of_one_zone_keep_the_wall_clock_rule(
    client: TestClient, db: Session, admin: dict[str, str], paris: Clinic, new_york: Clinic
) -> None:
    other_paris = make_clinic(db, name="Paris Marais")
    practitioner = make_practitioner(db, clinics=[paris, other_paris, new_york])
    body = [
        hours(paris, 0, "09:00", "12:00"),
        hours(new_york, 0, "10:00", "12:00"),
        hours(other_paris, 0, "11:00", "13:00"),
    ]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["msg"] == (
        "Overlaps another interval on weekday 0 (09:00–12:00)."
    )
    body[2] = hours(other_paris, 0, "12:00", "13:00")
    assert put(client, practitioner, body, admin).status_code == 200
    assert len(stored(db)) == 3


def test_many_intervals_at_three_zones_are_checked_quickly(
    client: TestClient,
    db: Session,
    admin: dict[str, str],
    paris: Clinic,
    new_york: Clinic,
    tokyo: Clinic,
) -> None:
    # Every day: Tokyo 08:00–12:00 (23:00–03:00 UTC), Paris 09:00–12:00 (07:00–11:00 UTC at
    # most), New York 10:00–12:00 (14:00–17:00 UTC): never meet.
    practitioner = make_practitioner(db, clinics=[paris, new_york, tokyo])
    body = [
        hours(clinic, day, start, "12:00")
        for day in range(7)
        for clinic, start in ((tokyo, "08:00"), (paris, "09:00"), (new_york, "10:00"))
    ]
    response = put(client, practitioner, body, admin)
    assert response.status_code == 200, response.text
    assert len(response.json()) == 21
