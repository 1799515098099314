"""Money: `Decimal` amounts with the minor-unit digits of their ISO 4217 currency.

Amounts are never floats. They travel in JSON as decimal strings with exactly the currency's
minor-unit digits (`"375.00"` EUR, `"375"` JPY) and are rounded half-up, once, where a
computation (a quote) produces more digits than the currency has.
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision


def minor_units(currency: str) -> int:
    """How many digits after the decimal point `currency` has (EUR 2, JPY 0, KWD 3)."""
    return int(get_currency_precision(currency.upper()))


def quantum(currency: str) -> Decimal:
    """The smallest amount of `currency`: `Decimal("0.01")` for EUR, `Decimal("1")` for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the minor unit of `currency`."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """The JSON form of an amount: a plain decimal string with the currency's minor-unit digits."""
    return format(quantize(amount, currency), "f")


def decimal_places(amount: Decimal) -> int:
    """Digits after the decimal point as written (`Decimal("375.50")` has 2, `"375"` has 0)."""
    exponent = amount.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def fits_currency(amount: Decimal, currency: str) -> bool:
    """Whether `amount` is written with no more digits than `currency`'s minor unit allows."""
    return decimal_places(amount) <= minor_units(currency)
