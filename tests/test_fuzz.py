"""Schemathesis over the whole OpenAPI document, in process, as an admin: no server errors,
no undocumented status codes, responses that match their schemas, bad input refused."""

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, settings
from schemathesis import APIOperation, Case
from schemathesis.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from api.config import Settings
from api.main import create_app
from tests.constants import TEST_SECRET
from tests.factories import auth_headers, make_user

pytestmark = pytest.mark.slow


# The app's own document, read once at import from an app that connects to nothing, so that
# each operation is a test item of its own: collected, counted and reported like any other
# test (a lazily loaded schema runs them as subtests of one item, which pytest counts past
# 100 %). The requests go to the test's own app (`app=`), on its database.
schema = schemathesis.openapi.from_dict(create_app(Settings(secret_key=TEST_SECRET)).openapi())


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_survives_generated_requests(
    case: Case[APIOperation[Any, Any, Any, Any]], app: FastAPI, db: Session, settings: Settings
) -> None:
    admin = make_user(db)
    case.call_and_validate(
        app=app,
        headers=auth_headers(admin, settings),
        # The contract answers 422 for well-typed references to unknown ids, and 409 for
        # rule refusals; schema-valid requests may therefore be refused by design.
        excluded_checks=[positive_data_acceptance],
    )
