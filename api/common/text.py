"""Text that must fit a column whatever a client sends."""

import hashlib

DIGEST_PREFIX = "sha256:"


def fit(value: str, limit: int) -> str:
    """`value`, or a digest of it no longer than `limit` when it is longer: the same input
    always gives the same key, and a row keyed by it can always be stored (an over-long key
    that failed to store once let failed logins go uncounted)."""
    if len(value) <= limit:
        return value
    return DIGEST_PREFIX + hashlib.sha256(value.encode()).hexdigest()[: limit - len(DIGEST_PREFIX)]
