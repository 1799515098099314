from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from api.config import Settings
from api.db import make_engine
from api.main import create_app
from tests.databases import DatabaseFactory


def test_health_answers_ok(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_schema_is_at_head(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def test_not_ready_when_schema_is_behind(client: TestClient, connection: Connection) -> None:
    connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 503


def test_not_ready_on_an_empty_database(databases: DatabaseFactory) -> None:
    with databases.fresh(migrated=False) as url:
        engine = make_engine(url)
        try:
            app = create_app(Settings(database_url=url), engine=engine)
            with TestClient(app) as client:
                assert client.get("/health").status_code == 200
                response = client.get("/ready")
            assert response.status_code == 503
        finally:
            engine.dispose()
