"""api.common.money: minor units from ISO 4217 and half-up rounding, never floats."""

from decimal import Decimal

import pytest

from api.common.money import fits_currency, format_money, minor_units, quantize


@pytest.mark.parametrize(
    ("currency", "digits"), [("EUR", 2), ("USD", 2), ("SGD", 2), ("JPY", 0), ("KWD", 3)]
)
def test_minor_units_follow_iso_4217(currency: str, digits: int) -> None:
    assert minor_units(currency) == digits


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("375", "EUR", "375.00"),
        ("187.505", "EUR", "187.51"),
        ("187.5049", "EUR", "187.50"),
        ("562.5", "JPY", "563"),
        ("562.4", "JPY", "562"),
        ("0.0005", "KWD", "0.001"),
        ("1E+3", "USD", "1000.00"),
    ],
)
def test_quantize_rounds_half_up_and_formats_without_exponent(
    amount: str, currency: str, expected: str
) -> None:
    assert format_money(Decimal(amount), currency) == expected
    assert quantize(Decimal(amount), currency) == Decimal(expected)


def test_fits_currency_counts_written_digits() -> None:
    assert fits_currency(Decimal("375.00"), "EUR")
    assert not fits_currency(Decimal("375.5"), "JPY")
    assert fits_currency(Decimal("375"), "JPY")
