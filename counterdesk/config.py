"""Where things live: the working home, the database URL, the scanner inbox, SMTP.

Plain values read from the environment (``COUNTERDESK_*``); the CLI's ``--home`` and ``--db``
override them. Nothing here imports Textual, typer or SQLAlchemy.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
DEFAULT_IDLE_LOCK_SECONDS = 300
DEFAULT_CASE_DAYS = 5
"""Working days to rectify a 差评 or resolve a 办不成事 case (local rules say 5 to 15)."""


@dataclass(frozen=True)
class SmtpSettings:
    """Outgoing mail for the 明白卡 (clarity card)."""

    host: str = ""
    port: int = 587
    user: str = ""
    password: str = ""
    sender: str = ""
    starttls: bool = True

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to find its data."""

    home: Path
    """The working home (``COUNTERDESK_HOME``); relative paths below are resolved against it."""
    db_url: str
    """SQLAlchemy URL of the database; SQLite file under the home by default."""
    scans_dir: Path
    """The scanner inbox (``scans/``); the attachment store lives in ``scans/store``."""
    catalog_dir: Path | None = None
    """A catalog folder other than the shipped one (``COUNTERDESK_CATALOG``)."""
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    """Largest scan accepted (``COUNTERDESK_MAX_FILE_MB``)."""
    idle_lock_seconds: int = DEFAULT_IDLE_LOCK_SECONDS
    """Idle time before the TUI locks (``COUNTERDESK_IDLE_LOCK``)."""
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    id_reader: Path | None = None
    """Where the ID-card reader's software writes a JSON line per card (``COUNTERDESK_ID_READER``)."""
    case_days: int = DEFAULT_CASE_DAYS
    """Working days a 差评 or 办不成事 case has before it is overdue (``COUNTERDESK_CASE_DAYS``)."""

    @property
    def store_dir(self) -> Path:
        return self.scans_dir / "store"

    @property
    def attached_dir(self) -> Path:
        return self.scans_dir / "attached"

    @property
    def verdicts_file(self) -> Path:
        """Where the scan checks' verdicts are kept by content hash (see ``documents.sandbox``)."""
        return self.home / "data" / "scan-verdicts.jsonl"

    @property
    def cache_dir(self) -> Path:
        """What can be rebuilt from other files at any time, e.g. the parsed catalog (``catalog.cache``)."""
        return self.home / "data" / "cache"

    @property
    def output_dir(self) -> Path:
        """Where PDFs are saved when there is no printer."""
        return self.home / "data" / "output"


def selected_hall() -> str | None:
    """The hall this process works for when several share one database (``COUNTERDESK_HALL``).

    Unset, the process is the database's own hall (the one ``init --hall-code`` registered).
    """
    return os.environ.get("COUNTERDESK_HALL", "").strip() or None


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def load_settings(home: str | Path | None = None, db_url: str | None = None) -> Settings:
    """Build settings from arguments, falling back to ``COUNTERDESK_*`` variables."""
    env = os.environ
    home_path = Path(home or env.get("COUNTERDESK_HOME") or ".").expanduser().resolve()
    url = db_url or env.get("COUNTERDESK_DB_URL") or sqlite_url(home_path / "data" / "counterdesk.db")
    scans = Path(env.get("COUNTERDESK_SCANS") or home_path / "scans")
    if not scans.is_absolute():
        scans = home_path / scans
    catalog = env.get("COUNTERDESK_CATALOG")
    smtp = SmtpSettings(
        host=env.get("COUNTERDESK_SMTP_HOST", ""),
        port=_int(env.get("COUNTERDESK_SMTP_PORT"), 587),
        user=env.get("COUNTERDESK_SMTP_USER", ""),
        password=env.get("COUNTERDESK_SMTP_PASSWORD", ""),
        sender=env.get("COUNTERDESK_SMTP_FROM", ""),
        starttls=env.get("COUNTERDESK_SMTP_STARTTLS", "1") not in {"0", "false", "no"},
    )
    return Settings(
        home=home_path,
        db_url=url,
        scans_dir=scans,
        catalog_dir=Path(catalog).resolve() if catalog else None,
        max_file_bytes=_int(env.get("COUNTERDESK_MAX_FILE_MB"), DEFAULT_MAX_FILE_BYTES // 2**20) * 2**20,
        idle_lock_seconds=_int(env.get("COUNTERDESK_IDLE_LOCK"), DEFAULT_IDLE_LOCK_SECONDS),
        smtp=smtp,
        id_reader=Path(env["COUNTERDESK_ID_READER"]).expanduser() if env.get("COUNTERDESK_ID_READER") else None,
        case_days=max(1, _int(env.get("COUNTERDESK_CASE_DAYS"), DEFAULT_CASE_DAYS)),
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default
