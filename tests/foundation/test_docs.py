"""The docs pages work with no internet: every script and style comes from the API itself."""

import re

import pytest
from fastapi.testclient import TestClient

REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""")
EXTERNAL = re.compile(r"https?://")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_page_and_its_assets_are_served_by_the_app(client: TestClient, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not EXTERNAL.search(html), "the page references something outside the app"
    references = [a or b for a, b in REFERENCE.findall(html)]
    assert references, "the page references no assets"
    for reference in references:
        assert reference.startswith("/"), reference
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        assert asset.content


def test_swagger_ui_page_loads_its_bundle_and_the_oauth2_redirect(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "swagger-ui-bundle.js" in html
    assert "swagger-ui.css" in html
    assert client.get("/docs/oauth2-redirect").status_code == 200


def test_openapi_document_describes_the_api_and_the_password_flow(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert doc["info"]["title"] == "Meso Clinic API"
    assert doc["info"]["version"]
    assert doc["info"]["description"]
    assert {"auth", "users", "audit", "health"} <= {t["name"] for t in doc["tags"]}
    schemes = doc["components"]["securitySchemes"]
    flows = [s["flows"]["password"] for s in schemes.values() if s["type"] == "oauth2"]
    assert flows
    assert flows[0]["tokenUrl"] == "/api/v1/auth/token"
