"""What the screens share: the database, the catalog, the hall, the logged-in staff member.

Held by the App and handed to screens as ``self.app.ctx``; it never imports a screen.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from counterdesk.config import Settings

if TYPE_CHECKING:
    from counterdesk.services.hall import Hall
    from counterdesk.services.staff import Actor


@dataclass
class DeskContext:
    """The counter's shared state. ``engine`` and ``catalog`` arrive from a start-up worker."""

    settings: Settings
    engine: Any = None
    catalog: Any = None
    hall: Hall | None = None
    actor: Actor | None = None
    extras: dict = field(default_factory=dict)

    @contextmanager
    def session(self):
        """A database session for one service call."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def call(self, service, /, *args, **kwargs):
        """Run a service function with a fresh session as its first argument."""
        with self.session() as session:
            return service(session, *args, **kwargs)
