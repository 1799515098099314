"""When a failed delivery is tried again (DESIGN section 9): about 5 s, 5 min, 30 min, 2 h,
5 h, 10 h and 10 h after the attempts before, each delay stretched or shrunk by up to
`JITTER` at random so that the deliveries of one outage do not all come back at one instant;
after the eighth attempt the delivery is `failed`."""

import random
from datetime import datetime, timedelta
from typing import Final

DELAYS: Final = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS: Final = len(DELAYS) + 1
JITTER: Final = 0.1  # ±10 %


def next_attempt_at(attempts: int, now: datetime, rng: random.Random) -> datetime | None:
    """When the next attempt is due, `attempts` having been made (the last of them failing
    `now`); None when that was the last attempt and the delivery is `failed`."""
    if attempts < 1:
        raise ValueError("a retry follows at least one attempt")
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + DELAYS[attempts - 1] * rng.uniform(1 - JITTER, 1 + JITTER)
