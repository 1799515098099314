"""The command line, the configuration and the Compose file."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from pydantic import ValidationError
from sqlalchemy import func, select

from api.config import Settings, normalize_database_url
from api.db import make_engine, make_sessionmaker
from api.users.models import User
from tests.databases import ROOT, DatabaseFactory
from tests.servers import run_python


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"DATABASE_URL": url, "PATH": "/usr/bin:/bin"}
    return run_python("-m", "api", *args, env=env)


def _count_users(url: str) -> int:
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as db:
            return db.scalar(select(func.count()).select_from(User)) or 0
    finally:
        engine.dispose()


@pytest.mark.slow
def test_create_admin_is_idempotent(databases: DatabaseFactory) -> None:
    with databases.fresh() as url:
        args = ("create-admin", "--email", "Boss@Example.com", "--password", "long-password")
        first = _cli(url, *args)
        assert first.returncode == 0, first.stderr
        second = _cli(url, *args)
        assert second.returncode == 0, second.stderr
        assert _count_users(url) == 1


@pytest.mark.slow
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


@pytest.mark.slow
def test_production_start_up_without_secret_stops_with_a_clear_message() -> None:
    env = {"ENVIRONMENT": "production", "PATH": "/usr/bin:/bin"}
    result = run_python("-c", "import api.main", env=env, timeout=60)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_without_a_key_makes_a_random_one_and_keeps_it(tmp_path: Path) -> None:
    """No key that signs tokens is published with the code: development makes its own at
    first start, readable by its owner only, and every later start (or process) reuses it."""
    first = Settings(secret_key_file=tmp_path / "key").signing_key
    assert len(first) == 64
    assert int(first, 16)
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600
    assert Settings(secret_key_file=tmp_path / "key").signing_key == first
    assert Settings(secret_key_file=tmp_path / "other").signing_key != first


@pytest.mark.slow
def test_processes_starting_at_once_agree_on_one_development_key(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from api.config import Settings; "
        "print(Settings(secret_key_file=Path(sys.argv[1])).signing_key)"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / "key")],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(keys) == 1
    assert len(keys.pop()) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["key"]


def test_the_run_command_listens_on_loopback_unless_told_otherwise() -> None:
    run = (ROOT / "scripts" / "run").read_text()
    assert '--host "${HOST:-127.0.0.1}"' in run
    assert ".secret_key" in (ROOT / ".gitignore").read_text().split()


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


def _requirement(name: str, specifier: str = "", extras: list[str] | None = None) -> str:
    """One requirement in a comparable form (name normalized, extras and specifiers sorted)."""
    text = name + (f"[{','.join(extras)}]" if extras else "") + specifier
    req = Requirement(text)
    spec = ",".join(sorted(str(s) for s in req.specifier))
    return f"{req.name.lower().replace('_', '-')}[{','.join(sorted(req.extras))}]{spec}"


def test_the_lock_matches_pyproject() -> None:
    """`scripts/install` installs uv.lock with `--locked`, which refuses a lock made for other
    requirements: edit pyproject.toml, then `.venv/bin/uv lock` (scripts/install brings uv)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    (root,) = [p for p in lock["package"] if p["name"] == project["name"]]
    assert root["source"] == {"editable": "."}
    locked = {
        _requirement(r["name"], r.get("specifier", ""), r.get("extras"))
        for r in root["metadata"]["requires-dist"]
    }
    wanted = {_requirement(r) for r in project["dependencies"]}
    wanted |= {_requirement(r) for r in project["optional-dependencies"]["dev"]}
    assert locked == wanted, "uv.lock is stale: run `.venv/bin/uv lock` and commit it"


def test_install_syncs_the_lock_and_redoes_it_when_either_file_changes() -> None:
    install = (ROOT / "scripts" / "install").read_text()
    assert "uv sync --locked --extra dev" in install
    assert '"$stamp" -nt pyproject.toml' in install
    assert '"$stamp" -nt uv.lock' in install
    version = install.split("UV_VERSION=", 1)[1].split()[0]
    required = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]
    assert f">={version}," in required["required-version"]


def test_fastapi_and_starlette_are_pinned_to_one_minor_release() -> None:
    """`ApiRouter` overrides Starlette's `matches` and `DbSession` relies on
    `Depends(scope=...)`: a new minor release is taken on purpose, not by a re-lock."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = {Requirement(r).name: Requirement(r).specifier for r in project["dependencies"]}
    for name in ("fastapi", "starlette"):
        upper = [s for s in pins[name] if s.operator == "<"]
        lower = [s for s in pins[name] if s.operator == ">="]
        assert upper
        assert lower
        assert upper[0].version.split(".")[:2] != lower[0].version.split(".")[:2]
        major, minor = lower[0].version.split(".")[:2]
        assert upper[0].version == f"{major}.{int(minor) + 1}", name


def test_pre_commit_runs_the_quick_checks_of_the_test_command() -> None:
    """Every check of scripts/test but pytest is a pre-commit hook, run from .venv/ (so at the
    locked version, with nothing fetched)."""
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    assert all(hook["language"] == "system" for hook in hooks)
    assert all(hook["entry"].startswith(".venv/bin/") for hook in hooks)
    entries = {" ".join(hook["entry"].split()[:2]).removeprefix(".venv/bin/") for hook in hooks}
    assert {"ruff check", "ruff format", "mypy", "lint-imports"} <= entries
    test_command = (ROOT / "scripts" / "test").read_text()
    checks = {
        " ".join(line.split()[:2]).removeprefix(".venv/bin/")
        for line in test_command.splitlines()
        if line.startswith(".venv/bin/") and "pytest" not in line
    }
    assert checks
    assert {check.split()[0] for check in checks} <= {e.split()[0] for e in entries}


def _instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments left out."""
    joined = dockerfile.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "")
        for line in lines
        if line and not line.startswith("#")
    ]


def test_the_image_caches_its_dependencies_and_runs_as_a_user() -> None:
    """Docker cannot run here, so the file is checked: the locked dependencies are installed
    from pyproject.toml and uv.lock alone, before any source is copied (a code change reuses
    that layer), and the server does not run as root."""
    steps = _instructions((ROOT / "Dockerfile").read_text())
    copies = [i for i, (op, _) in enumerate(steps) if op == "COPY"]
    assert steps[copies[0]][1].split() == ["pyproject.toml", "uv.lock", "./"]
    dependencies = next(
        i for i, (op, args) in enumerate(steps) if op == "RUN" and "--no-install-project" in args
    )
    assert "uv sync --locked" in steps[dependencies][1]
    assert copies[0] < dependencies < copies[1]
    assert any("api" in steps[i][1].split() for i in copies[1:])
    install = (ROOT / "scripts" / "install").read_text()
    uv_version = install.split("UV_VERSION=", 1)[1].split()[0]
    assert any(op == "RUN" and f"uv=={uv_version}" in args for op, args in steps)
    users = [(i, args.split(":")[0]) for i, (op, args) in enumerate(steps) if op == "USER"]
    assert users
    assert users[-1][1] not in {"root", "0"}
    (cmd,) = [i for i, (op, _) in enumerate(steps) if op == "CMD"]
    assert users[-1][0] < cmd


def test_the_build_context_leaves_out_environments_data_and_secrets() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "*.db", ".env", ".secret_key", "**/__pycache__"} <= ignored
    assert not {"api", "migrations", "uv.lock", "pyproject.toml", "alembic.ini"} & ignored


def test_compose_checks_the_api_health_and_has_no_worker() -> None:
    compose = yaml.safe_load(Path(ROOT / "docker-compose.yml").read_text())
    assert set(compose["services"]) == {"db", "api"}
    check = compose["services"]["api"]["healthcheck"]
    assert "/health" in " ".join(check["test"])
    assert check["test"][0] == "CMD"
    assert {"interval", "timeout", "retries"} <= check.keys()
