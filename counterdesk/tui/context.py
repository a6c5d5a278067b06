"""What the screens share: the database, the catalog, the hall, the logged-in staff member.

Held by the App and handed to screens as ``self.app.ctx``; it never imports a screen. Screens read
the catalog and the staff member through ``base.DeskAccess``, which needs no ``None`` checks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from counterdesk.config import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from counterdesk.catalog import Catalog
    from counterdesk.services.hall import Hall
    from counterdesk.services.staff import Actor

P = ParamSpec("P")
R = TypeVar("R")


@dataclass
class DeskContext:
    """The counter's shared state. ``engine`` and ``catalog`` arrive from a start-up worker."""

    settings: Settings
    engine: Engine | None = None
    catalog: Catalog | None = None
    hall: Hall | None = None
    actor: Actor | None = None
    """The staff member logged in at this window, None while nobody is."""
    extras: dict[str, object] = field(default_factory=dict)
    """What a screen keeps for the next one of its kind (the matter search, the card reader's thread)."""

    @property
    def ready(self) -> bool:
        """Whether the database is open and the catalog loaded."""
        return self.engine is not None and self.catalog is not None

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A database session for one service call."""
        from sqlmodel import Session

        if self.engine is None:
            raise RuntimeError("the database is not open yet")
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def call(self, service: Callable[Concatenate[Session, P], R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run a service function with a fresh session as its first argument."""
        with self.session() as session:
            return service(session, *args, **kwargs)
