"""One `If-Match` (`api.common.etag.IfMatch`): every PATCH takes the same optional header,
with the same bound."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.clinics.models import Clinic
from api.common.etag import IF_MATCH_MAX_LENGTH
from tests.factories import make_clinic


def test_every_patch_takes_the_same_optional_if_match(client: TestClient) -> None:
    paths: dict[str, Any] = client.get("/openapi.json").json()["paths"]
    patches = {path: ops["patch"] for path, ops in paths.items() if "patch" in ops}
    assert len(patches) >= 7
    for path, operation in patches.items():
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        assert [h["name"] for h in headers] == ["If-Match"], path
        assert not headers[0].get("required", False), path
        text = headers[0]["schema"]["anyOf"][0]
        assert text == {"type": "string", "maxLength": IF_MATCH_MAX_LENGTH}, path


def test_an_if_match_over_its_bound_is_422_and_changes_nothing(
    client: TestClient, db: Session, as_admin: dict[str, str]
) -> None:
    clinic = make_clinic(db, name="Kept")
    response = client.patch(
        f"/api/v1/clinics/{clinic.id}",
        json={"name": "Lost"},
        headers={**as_admin, "If-Match": 'W/"' + "0" * IF_MATCH_MAX_LENGTH + '"'},
    )
    assert response.status_code == 422, response.text
    db.expire_all()
    assert db.get(Clinic, clinic.id).name == "Kept"  # type: ignore[union-attr]
