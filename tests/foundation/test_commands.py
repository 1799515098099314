"""The command line, the configuration and the Compose file."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from sqlalchemy import func, select

from api.config import Settings, normalize_database_url
from api.db import make_engine, make_sessionmaker
from api.users.models import User
from tests.databases import ROOT, DatabaseFactory


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "api", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _count_users(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as db:
            return db.scalar(select(func.count()).select_from(User)) or 0
    finally:
        engine.dispose()


def test_create_admin_is_idempotent(databases: DatabaseFactory) -> None:
    with databases.fresh() as url:
        args = ("create-admin", "--email", "Boss@Example.com", "--password", "long-password")
        first = _cli(url, *args)
        assert first.returncode == 0, first.stderr
        second = _cli(url, *args)
        assert second.returncode == 0, second.stderr
        assert _count_users(url) == 1


def test_seed_demo_fills_an_empty_database_once_and_prints_logins(
    databases: DatabaseFactory,
) -> None:
    with databases.fresh() as url:
        first = _cli(url, "seed-demo")
        assert first.returncode == 0, first.stderr
        for role in ("admin", "receptionist", "practitioner", "patient"):
            assert f"{role}@demo.example.com" in first.stdout
        users = _count_users(url)
        second = _cli(url, "seed-demo")
        assert second.returncode == 0
        assert _count_users(url) == users


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("sqlite:///clinic.db", "sqlite:///clinic.db"),
    ],
)
def test_plain_database_urls_get_our_driver(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected
    assert Settings(database_url=given).database_url == expected


def test_production_refuses_a_missing_or_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", secret_key="short")
    assert Settings(environment="production", secret_key="k" * 40).signing_key == "k" * 40


def test_production_start_up_without_secret_stops_with_a_clear_message() -> None:
    env = {"ENVIRONMENT": "production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", "import api.main"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_cors_origins_from_a_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    assert Settings().cors_origins == ["https://a.example", "https://b.example"]


def test_compose_file_runs_postgres_and_the_api() -> None:
    compose = yaml.safe_load(Path(ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    db, api = services["db"], services["api"]
    assert db["image"].startswith("postgres:")
    assert "healthcheck" in db
    assert any(v.split(":")[0] in compose["volumes"] for v in db["volumes"])
    assert api["build"]["context"] == "."
    assert (ROOT / api["build"].get("dockerfile", "Dockerfile")).exists()
    assert "8000:8000" in api["ports"]
    assert api["depends_on"]["db"]["condition"] == "service_healthy"
    env = api["environment"]
    assert env["DATABASE_URL"].startswith("postgresql://")
    assert {"ENVIRONMENT", "SECRET_KEY"} <= env.keys()
    assert "alembic upgrade head" in " ".join(api["command"])
