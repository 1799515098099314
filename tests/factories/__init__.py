"""One factory per model, each putting a row straight into the test database: keyword-only
values with defaults, unique values drawn from one sequence. Compose them in each domain's
fixtures (`tests/<domain>/conftest.py`) and helper modules."""

from tests.factories.accounts import PASSWORD, auth_headers, make_user
from tests.factories.care import formulation_id, make_follow_up, make_plan, make_session
from tests.factories.clinics import make_clinic, make_price
from tests.factories.people import (
    make_allergy,
    make_intake,
    make_patient,
    make_practitioner,
    make_time_off,
    make_working_hours,
)

__all__ = [
    "PASSWORD",
    "auth_headers",
    "formulation_id",
    "make_allergy",
    "make_clinic",
    "make_follow_up",
    "make_intake",
    "make_patient",
    "make_plan",
    "make_practitioner",
    "make_price",
    "make_session",
    "make_time_off",
    "make_user",
    "make_working_hours",
]
