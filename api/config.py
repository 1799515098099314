"""Settings read from the environment (pydantic-settings), validated once and cached."""

from functools import lru_cache
from typing import Annotated, Literal

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Only for development: a production start-up without a real key is refused below.
_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"
MIN_SECRET_KEY_LENGTH = 32


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
    environment: Literal["development", "production"] = "development"
    secret_key: SecretStr | None = None
    cors_origins: Annotated[list[str], NoDecode] = []
    access_token_minutes: int = 60

    @field_validator("database_url")
    @classmethod
    def _normalize_url(cls, value: str) -> str:
        return normalize_database_url(value)

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
        return _DEVELOPMENT_SECRET_KEY

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
