"""Request bodies for the clinic tests."""

from typing import Any

from tests.factories.clinics import PARIS_LATITUDE, PARIS_LONGITUDE


def clinic_body(**overrides: Any) -> dict[str, Any]:
    """A valid `POST /clinics` body."""
    body: dict[str, Any] = {
        "name": "Clinique Rivoli",
        "country": "FR",
        "city": "Paris",
        "address": "12 rue de Rivoli, 75004 Paris",
        "timezone": "Europe/Paris",
        "currency": "EUR",
        "latitude": PARIS_LATITUDE,
        "longitude": PARIS_LONGITUDE,
    }
    body.update(overrides)
    return body
