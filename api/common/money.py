"""Money: `Decimal` amounts rounded half-up to the currency's minor unit and sent as strings."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision


def minor_units(currency: str) -> int:
    """Digits after the decimal point of `currency` (ISO 4217): 2 for EUR, 0 for JPY."""
    return int(get_currency_precision(currency.upper()))


def quantize(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half-up to the minor unit of `currency`."""
    return amount.quantize(Decimal(1).scaleb(-minor_units(currency)), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """The JSON form of an amount: a plain decimal string with the currency's digits."""
    return f"{quantize(amount, currency):f}"
