"""The audit chains' key and anchor: two small files kept outside the database.

``HOME/data/audit.key`` holds a random 256-bit key (owner-only, created on first use). Rows
appended to the status-event and audit chains are sealed with HMAC-SHA256 under it, so someone
who can only reach the database cannot rewrite an entry and recompute the chain.

``HOME/data/audit.anchor`` records, per database, where the keyed part of each chain starts (the
last row written before the key existed, which is still checked with plain SHA-256) and the
newest row known to this window (its id and hash, updated after every commit that appends).
Deleting the newest entries therefore no longer goes unnoticed: the anchored row is gone.

A hall whose windows share one PostgreSQL database copies both files from the first window to
every other window's ``HOME/data`` before that window starts (README: "A hall with many windows").
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from counterdesk.domain.errors import StorageError

KEY_FILE = "audit.key"
ANCHOR_FILE = "audit.anchor"

_homes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_rings: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def register(engine, home: Path | None) -> None:
    """Remember which working home's ``data/`` keeps this engine's key (None: the default home)."""
    _homes[engine] = home


def keyring_of(bind) -> Keyring:
    """The keyring of a session's bind (an engine or a connection)."""
    engine = getattr(bind, "engine", bind)
    ring = _rings.get(engine)
    if ring is None:
        home = _homes.get(engine)
        if home is None:
            from counterdesk.config import load_settings

            home = load_settings().home
        ring = _rings[engine] = Keyring(Path(home) / "data")
    return ring


@dataclass(frozen=True)
class Head:
    """One row of a chain as the anchor remembers it."""

    id: int
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "hash": self.hash}


class Keyring:
    """The key (loaded or created on first use) and the anchor file of one working home."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._key: bytes | None = None

    @property
    def key_path(self) -> Path:
        return self.folder / KEY_FILE

    @property
    def anchor_path(self) -> Path:
        return self.folder / ANCHOR_FILE

    def key(self, *, create: bool = True) -> bytes | None:
        """The HMAC key; created owner-only (0600) when missing and ``create``."""
        if self._key is None:
            try:
                text = self.key_path.read_text(encoding="ascii").strip()
            except FileNotFoundError:
                if not create:
                    return None
                text = self._create_key()
            try:
                self._key = bytes.fromhex(text)
            except ValueError:
                self._key = b""
            if len(self._key) < 32:
                raise StorageError(f"审计密钥文件 {self.key_path} 已损坏，请从备份恢复该文件。", code="audit_key")
        return self._key

    def _create_key(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = secrets.token_hex(32)
        tmp = self.folder / f".{KEY_FILE}.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            # link() fails when another process created the key meanwhile: theirs wins.
            os.link(tmp, self.key_path)
        except FileExistsError:
            text = self.key_path.read_text(encoding="ascii").strip()
        finally:
            tmp.unlink(missing_ok=True)
        return text

    def entry(self, database: str) -> dict[str, Any] | None:
        """This database's anchor: ``{"legacy": {chain: head|None}, "head": {chain: head|None}}``."""
        return self._read().get(database)

    def start(self, database: str, legacy: dict[str, Head | None], applicants: int) -> None:
        """Record where the keyed part of each chain starts, and how many applicants were stored
        before it (their fields were never recorded in the chain), once per database."""
        with self._locked() as anchors:
            anchors.setdefault(database, {
                "legacy": {chain: head.as_dict() if head else None for chain, head in legacy.items()},
                "head": {chain: head.as_dict() if head else None for chain, head in legacy.items()},
                "applicants_before": applicants,
            })

    def advance(self, database: str, heads: dict[str, Head]) -> None:
        """Move each chain's anchored head forward (never back: windows commit in any order)."""
        with self._locked() as anchors:
            entry = anchors.setdefault(database, {"legacy": None, "head": {}})
            for chain, head in heads.items():
                known = entry["head"].get(chain)
                if known is None or known["id"] < head.id:
                    entry["head"][chain] = head.as_dict()

    def reset(self, database: str, heads: dict[str, Head | None]) -> None:
        """Anchor the chains at ``heads`` as they are now (after a supervisor's restore)."""
        with self._locked() as anchors:
            entry = anchors.setdefault(database, {"legacy": None, "head": {}})
            entry["head"] = {chain: head.as_dict() if head else None for chain, head in heads.items()}

    def _read(self) -> dict[str, Any]:
        try:
            return json.loads(self.anchor_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError as error:
            raise StorageError(f"审计锚点文件 {self.anchor_path} 已损坏，请从备份恢复该文件。",
                               code="audit_anchor") from error

    @contextlib.contextmanager
    def _locked(self):
        """Read, change and atomically rewrite the anchor file under an exclusive file lock."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.folder / f".{ANCHOR_FILE}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            anchors = self._read()
            yield anchors
            tmp = self.folder / f".{ANCHOR_FILE}.{os.getpid()}"
            out_fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(out_fd, "w", encoding="utf-8") as out:
                json.dump(anchors, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.anchor_path)
        finally:
            os.close(fd)
