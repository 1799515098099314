"""The retry schedule of DESIGN section 9, with bounded jitter."""

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.webhooks.retries import DELAYS, JITTER, MAX_ATTEMPTS, next_attempt_at

NOW = datetime(2026, 12, 2, 21, 0, tzinfo=UTC)
# The contract's delays, in seconds: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
SCHEDULE = [timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000)]


def test_the_schedule_is_the_contracts_and_eight_attempts_in_all() -> None:
    assert list(DELAYS) == SCHEDULE
    assert MAX_ATTEMPTS == 8


@given(seed=st.integers(), attempts=st.integers(min_value=1, max_value=7))
def test_each_retry_is_due_within_the_jitter_of_its_delay(seed: int, attempts: int) -> None:
    due = next_attempt_at(attempts, NOW, random.Random(seed))
    assert due is not None
    delay = SCHEDULE[attempts - 1]
    assert delay * (1 - JITTER) <= due - NOW <= delay * (1 + JITTER)


def test_the_jitter_spreads_the_retries_of_one_outage() -> None:
    rng = random.Random(14)
    dues = {next_attempt_at(3, NOW, rng) for _ in range(50)}
    assert len(dues) > 40


def test_after_the_last_attempt_the_delivery_is_failed() -> None:
    rng = random.Random(0)
    assert next_attempt_at(7, NOW, rng) is not None
    assert next_attempt_at(8, NOW, rng) is None
    assert next_attempt_at(9, NOW, rng) is None


def test_a_retry_follows_an_attempt() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        next_attempt_at(0, NOW, random.Random(0))


def test_the_whole_schedule_is_about_28_hours() -> None:
    assert timedelta(hours=27) < sum(SCHEDULE, timedelta()) < timedelta(hours=28)
