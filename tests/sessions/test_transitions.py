"""The session state machine on its own: no database, no HTTP, `now` passed in."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from api.errors import ConflictItem, InvalidInput, RuleConflict
from api.sessions import transitions
from api.sessions.models import SESSION_LENGTH, TreatmentSession
from api.sessions.transitions import CHECK_IN_OPENS, LATE_CANCELLATION

START = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
STATUSES = ("booked", "checked_in", "completed", "cancelled", "no_show")
ALLERGY = ConflictItem(code="allergy", detail="The patient is allergic.")


def session(status: str = "booked") -> TreatmentSession:
    return TreatmentSession(
        status=status,
        starts_at=START,
        ends_at=START + SESSION_LENGTH,
        buffer_ends_at=START + SESSION_LENGTH,
        late_cancellation=False,
        areas_treated=[],
    )


def refusal(action: Callable[[], None]) -> tuple[str, str]:
    with pytest.raises(RuleConflict) as caught:
        action()
    (item,) = caught.value.conflicts
    return item.code, item.detail


# --- cancel ---------------------------------------------------------------------------------


def test_cancel_moves_a_booked_session_and_records_why_and_when() -> None:
    s = session()
    now = START - timedelta(days=3)
    transitions.cancel(s, "Moved away", now)
    assert (s.status, s.cancelled_at, s.cancel_reason) == ("cancelled", now, "Moved away")
    assert s.late_cancellation is False


@pytest.mark.parametrize(
    ("before_start", "late"),
    [
        (LATE_CANCELLATION + timedelta(microseconds=1), False),
        (LATE_CANCELLATION, False),
        (LATE_CANCELLATION - timedelta(microseconds=1), True),
        (timedelta(0), True),
    ],
)
def test_a_cancellation_is_late_under_24_hours_before_the_start(
    before_start: timedelta, late: bool
) -> None:
    s = session()
    transitions.cancel(s, "Ill", START - before_start)
    assert s.late_cancellation is late


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "booked"])
def test_only_a_booked_session_is_cancelled(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.cancel(s, "Ill", START)) == (
        "invalid_transition",
        f"A {status} session cannot be cancelled.",
    )
    assert s.status == status


@pytest.mark.parametrize("status", ["booked", "checked_in"])
def test_a_plan_cancellation_takes_booked_and_checked_in_sessions(status: str) -> None:
    s = session(status)
    transitions.cancel_with_plan(s, "Pregnant", START - timedelta(hours=2))
    assert s.status == "cancelled"
    assert s.cancel_reason == "Treatment plan cancelled: Pregnant"
    assert s.late_cancellation is True


@pytest.mark.parametrize("status", ["completed", "cancelled", "no_show"])
def test_a_plan_cancellation_leaves_finished_sessions_alone(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.cancel_with_plan(s, "x", START))[0] == "invalid_transition"
    assert s.status == status


# --- check-in -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now", [START - CHECK_IN_OPENS, START, START + SESSION_LENGTH], ids=["opens", "start", "end"]
)
def test_check_in_is_open_from_one_hour_before_the_start_until_the_end(now: datetime) -> None:
    s = session()
    transitions.check_in(s, now, "active", [])
    assert (s.status, s.checked_in_at) == ("checked_in", now)


@pytest.mark.parametrize(
    "now",
    [
        START - CHECK_IN_OPENS - timedelta(microseconds=1),
        START + SESSION_LENGTH + timedelta(microseconds=1),
    ],
    ids=["too early", "too late"],
)
def test_check_in_outside_the_window_is_refused(now: datetime) -> None:
    s = session()
    code, detail = refusal(lambda: transitions.check_in(s, now, "active", []))
    assert code == "invalid_transition"
    assert detail.startswith("Check-in is open from one hour before the start")
    assert s.status == "booked"


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "booked"])
def test_only_a_booked_session_is_checked_in(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.check_in(s, START, "active", [])) == (
        "invalid_transition",
        f"A {status} session cannot be checked in.",
    )


@pytest.mark.parametrize("plan_status", ["proposed", "cancelled", "completed"])
def test_check_in_needs_a_consented_plan(plan_status: str) -> None:
    s = session()
    assert refusal(lambda: transitions.check_in(s, START, plan_status, []))[0] == (
        "consent_required"
    )
    assert s.status == "booked"


def test_check_in_is_refused_with_the_gates_conflicts() -> None:
    s = session()
    with pytest.raises(RuleConflict) as caught:
        transitions.check_in(s, START, "active", [ALLERGY])
    assert caught.value.conflicts == [ALLERGY]
    assert s.status == "booked"


def test_the_window_is_checked_before_the_consent() -> None:
    s = session()
    early = START - timedelta(days=1)
    assert refusal(lambda: transitions.check_in(s, early, "proposed", []))[0] == (
        "invalid_transition"
    )


# --- complete -------------------------------------------------------------------------------


def test_complete_records_the_areas_once_each_and_the_notes() -> None:
    s = session("checked_in")
    now = START + timedelta(minutes=40)
    transitions.complete(s, ["face", "neck", "face"], {"face", "neck"}, "Fine.", now)
    assert (s.status, s.completed_at, s.notes) == ("completed", now, "Fine.")
    assert s.areas_treated == ["face", "neck"]


def test_complete_refuses_areas_outside_the_plan() -> None:
    s = session("checked_in")
    with pytest.raises(InvalidInput) as caught:
        transitions.complete(s, ["scalp", "face", "abdomen"], {"face"}, "", START)
    (error,) = caught.value.errors
    assert error.loc == ["body", "areas_treated"]
    assert error.msg == "Not areas of the plan: abdomen, scalp."
    assert s.status == "checked_in"


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "checked_in"])
def test_only_a_checked_in_session_is_completed(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.complete(s, [], set(), "", START)) == (
        "invalid_transition",
        f"A {status} session cannot be completed.",
    )


# --- no-show --------------------------------------------------------------------------------


@pytest.mark.parametrize("after", [timedelta(0), timedelta(days=1)])
def test_a_no_show_is_marked_from_the_start(after: timedelta) -> None:
    s = session()
    transitions.no_show(s, START + after)
    assert s.status == "no_show"


def test_a_no_show_before_the_start_is_refused() -> None:
    s = session()
    assert refusal(lambda: transitions.no_show(s, START - timedelta(microseconds=1))) == (
        "invalid_transition",
        "A no-show is marked only after the start.",
    )


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "booked"])
def test_only_a_booked_session_is_marked_no_show(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.no_show(s, START + timedelta(days=1))) == (
        "invalid_transition",
        f"A {status} session cannot be marked no-show.",
    )


# --- reschedule -----------------------------------------------------------------------------


def test_a_booked_session_may_be_rescheduled() -> None:
    transitions.ensure_reschedulable(session())


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "booked"])
def test_only_a_booked_session_is_rescheduled(status: str) -> None:
    s = session(status)
    assert refusal(lambda: transitions.ensure_reschedulable(s)) == (
        "invalid_transition",
        f"A {status} session cannot be rescheduled.",
    )
