"""The quote as a pure function: dearest area in full, others at the clinic's rate, rounded
once half-up to the currency's minor unit, total = session price × sessions."""

from decimal import Decimal

import pytest

from api.common.money import format_money, minor_units, quantize
from api.plans.quotes import quote


def test_minor_units_follow_the_currency() -> None:
    assert minor_units("EUR") == 2
    assert minor_units("JPY") == 0
    assert format_money(Decimal("375"), "EUR") == "375.00"
    assert format_money(Decimal("375"), "JPY") == "375"
    assert quantize(Decimal("0.125"), "EUR") == Decimal("0.13")
    assert quantize(Decimal("2.5"), "JPY") == Decimal("3")


def test_one_area_is_charged_in_full() -> None:
    q = quote([("thighs", Decimal("300.00"))], Decimal("0.50"), "EUR", 10)
    assert q.session_price == Decimal("300.00")
    assert q.total == Decimal("3000.00")
    assert [(line.area_code, line.rate) for line in q.lines] == [("thighs", Decimal("1.00"))]


def test_two_areas_dearest_in_full_other_at_the_rate() -> None:
    q = quote(
        [("buttocks", Decimal("250.00")), ("thighs", Decimal("300.00"))], Decimal("0.50"), "EUR", 6
    )
    assert [(line.area_code, line.rate) for line in q.lines] == [
        ("buttocks", Decimal("0.50")),
        ("thighs", Decimal("1.00")),
    ]
    assert q.session_price == Decimal("425.00")
    assert q.total == Decimal("2550.00")


def test_three_areas_in_eur() -> None:
    # 300 + 0.35 × 100.05 + 0.35 × 100.07 = 300 + 35.0175 + 35.0245 = 370.042 → 370.04
    q = quote(
        [("thighs", Decimal("300.00")), ("arms", Decimal("100.05")), ("chin", Decimal("100.07"))],
        Decimal("0.35"),
        "EUR",
        12,
    )
    assert [line.rate for line in q.lines] == [Decimal("1.00"), Decimal("0.35"), Decimal("0.35")]
    assert q.session_price == Decimal("370.04")
    assert q.total == Decimal("4440.48")


def test_half_up_rounding_of_the_session_price_in_eur() -> None:
    # 200 + 0.25 × 100.10 = 225.025 → 225.03 (half-up, not banker's 225.02)
    q = quote(
        [("thighs", Decimal("200.00")), ("arms", Decimal("100.10"))], Decimal("0.25"), "EUR", 3
    )
    assert q.session_price == Decimal("225.03")
    assert q.total == Decimal("675.09")


def test_rounding_happens_once_not_per_line() -> None:
    # Lines 0.125 + 0.125 (each would round to 0.13): summed once 300.25, not 300.26.
    q = quote(
        [("thighs", Decimal("300.00")), ("arms", Decimal("0.25")), ("chin", Decimal("0.25"))],
        Decimal("0.50"),
        "EUR",
        1,
    )
    assert q.session_price == Decimal("300.25")


@pytest.mark.parametrize(
    ("prices", "rate", "session_price", "total"),
    [
        ([("thighs", "45000")], "0.50", "45000", "450000"),
        ([("thighs", "45000"), ("arms", "30001")], "0.50", "60001", "600010"),
        # 45000 + 0.5 × 30001 + 0.5 × 20000 = 70000.5 → 70001 (half-up)
        ([("thighs", "45000"), ("arms", "30001"), ("chin", "20000")], "0.50", "70001", "700010"),
    ],
)
def test_one_two_three_areas_in_jpy(
    prices: list[tuple[str, str]], rate: str, session_price: str, total: str
) -> None:
    q = quote([(c, Decimal(p)) for c, p in prices], Decimal(rate), "JPY", 10)
    assert format_money(q.session_price, "JPY") == session_price
    assert format_money(q.total, "JPY") == total


def test_equal_prices_charge_the_first_listed_in_full() -> None:
    q = quote(
        [("arms", Decimal("200.00")), ("thighs", Decimal("200.00"))], Decimal("0.50"), "EUR", 1
    )
    assert [line.rate for line in q.lines] == [Decimal("1.00"), Decimal("0.50")]
