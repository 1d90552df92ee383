"""The one typed settings object. Read from CARELANE_* environment variables; passed
explicitly to whatever needs it, never imported as a global."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything carelane needs to know about where it runs."""

    model_config = SettingsConfigDict(env_prefix="CARELANE_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/carelane.db",
        description="SQLAlchemy URL: sqlite:///PATH (embedded default) or "
        "postgresql+psycopg://USER@HOST:PORT/DB.",
    )
    data_dir: Path = Field(
        default=Path("../shared/data"), description="Folder holding the real data sets."
    )
    host: str = "127.0.0.1"
    port: int = 8000
    ingest_batch_size: int = Field(default=1000, ge=1, le=50_000)
    max_clock_skew_seconds: int = Field(
        default=300,
        ge=0,
        description="How far in the future a post's created_at may lie before it is rejected.",
    )
    max_batch_items: int = Field(
        default=5000, ge=1, description="Most items one POST /api/v1/posts request may carry."
    )
    sla_scheduler: bool = Field(
        default=True,
        description="Fire service-level warnings and breaches from a scheduler inside the web "
        "app (turn off where `carelane sla-scheduler` runs apart).",
    )
    secure_cookies: bool = Field(
        default=False,
        description="Send the session cookie only over HTTPS (set it wherever carelane is "
        "served over HTTPS).",
    )
    session_idle_minutes: int = Field(
        default=480, ge=1, description="A sign-in session ends after this long without requests."
    )
    session_longest_hours: int = Field(
        default=24,
        ge=1,
        description="A sign-in session ends this long after sign-in, however used.",
    )
