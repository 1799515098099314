"""The price quote of a treatment plan: a pure function of the clinic's prices.

The dearest area is charged in full, each other area at the clinic's `additional_area_rate`
of its price; the session price is rounded once, half-up, to the currency's minor unit, and
the total is that session price times the number of sessions.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from api.common.money import quantize

FULL_RATE = Decimal("1.00")


@dataclass(frozen=True)
class QuoteLine:
    area_code: str
    price: Decimal
    rate: Decimal


@dataclass(frozen=True)
class Quote:
    currency: str
    session_price: Decimal
    sessions: int
    total: Decimal
    lines: tuple[QuoteLine, ...]


def quote(
    area_prices: Sequence[tuple[str, Decimal]],
    additional_area_rate: Decimal,
    currency: str,
    sessions: int,
) -> Quote:
    """Quote `sessions` sessions treating the areas of `area_prices` (in the plan's order).

    With equal prices the first area listed is the one charged in full.
    """
    if not area_prices:
        raise ValueError("a quote needs at least one area")
    dearest = max(range(len(area_prices)), key=lambda i: (area_prices[i][1], -i))
    lines = tuple(
        QuoteLine(
            area_code=code,
            price=price,
            rate=FULL_RATE if i == dearest else Decimal(additional_area_rate),
        )
        for i, (code, price) in enumerate(area_prices)
    )
    session_price = quantize(sum((line.price * line.rate for line in lines), Decimal(0)), currency)
    return Quote(
        currency=currency,
        session_price=session_price,
        sessions=sessions,
        total=session_price * sessions,
        lines=lines,
    )
