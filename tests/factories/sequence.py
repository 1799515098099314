"""One counter for the whole test process: every factory draws its unique values from it."""

import itertools

_counter = itertools.count(1)


def sequence() -> int:
    """The next number of the process-wide sequence (1, 2, 3, …)."""
    return next(_counter)
