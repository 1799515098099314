"""Settings read from the environment (pydantic-settings), validated once and cached."""

import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET_KEY_LENGTH = 32

Environment = Literal["development", "production"]


def normalize_database_url(url: str) -> str:
    """Accept the plain URLs hosting providers hand out and pick our own drivers.

    `postgres://` and `postgresql://` become psycopg 3; `sqlite://` stays pysqlite.
    """
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///clinic.db"
    environment: Environment = "development"
    secret_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    access_token_minutes: int = 60
    # The largest request body read (bytes); every body the contract defines is far smaller.
    max_body_bytes: int = 256 * 1024
    # Development without SECRET_KEY: a random key made at first start and kept here (the file
    # is git-ignored), so no key that signs tokens is ever published with the code.
    secret_key_file: Path = Path(".secret_key")
    # The lowest level a server logs (api.logging); any case ("debug") is accepted.
    log_level: Literal["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"] = "INFO"

    @field_validator("database_url")
    @classmethod
    def _normalize_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        # A comma-separated list is what people put in an environment variable.
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> "Settings":
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if self.environment == "production" and len(key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"SECRET_KEY must be set to at least {MIN_SECRET_KEY_LENGTH} characters "
                "when ENVIRONMENT=production"
            )
        return self

    @property
    def signing_key(self) -> str:
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return development_key(self.secret_key_file.resolve())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def development_key(path: Path) -> str:
    """The key kept in `path`, made (random, 256 bits, readable by its owner only) when there
    is none. Several processes starting at once agree on one key: it is written to a temporary
    file first and linked into place, which fails for all but the first."""
    for _ in range(2):
        try:
            key = path.read_text().strip()
        except FileNotFoundError:
            key = ""
        if len(key) >= MIN_SECRET_KEY_LENGTH:
            return key
        fd, draft = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_hex(32) + "\n")
            try:
                os.link(draft, path)
            except FileExistsError:
                continue  # another process was first (or the file is short): read it again
        finally:
            os.unlink(draft)
    raise RuntimeError(f"{path} holds no usable key: remove it or set SECRET_KEY")


@lru_cache
def get_settings() -> Settings:
    return Settings()
