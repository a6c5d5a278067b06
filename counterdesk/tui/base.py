"""What the counter's screens share: the App typed as the counter's and the desk context without
``None`` checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, TypeVar

from textual import getters
from textual.screen import ModalScreen, Screen

from counterdesk.tui.context import DeskContext

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.services.staff import Actor
    from counterdesk.tui.app import CounterdeskApp

ResultT = TypeVar("ResultT")


class _HasContext(Protocol):
    @property
    def ctx(self) -> DeskContext: ...


class DeskAccess:
    """Mixed into a screen whose ``ctx`` is the desk's: the catalog and the staff member, never None.

    Screens after the login only: the catalog is loaded before it and the staff member logged in.
    """

    @property
    def catalog(self: _HasContext) -> Catalog:
        """The matters and places (loaded before anyone logs in)."""
        catalog = self.ctx.catalog
        if catalog is None:
            raise RuntimeError("the catalog is not loaded yet")
        return catalog

    @property
    def actor(self: _HasContext) -> Actor:
        """The staff member logged in at this window."""
        actor = self.ctx.actor
        if actor is None:
            raise RuntimeError("nobody is logged in")
        return actor


class CounterScreen(DeskAccess, Screen[ResultT]):
    """A screen of the counter's App (``CounterdeskApp``)."""

    if TYPE_CHECKING:
        app = getters.app(CounterdeskApp)

    @property
    def ctx(self) -> DeskContext:
        """The desk context: database, catalog, hall and the staff member logged in."""
        return self.app.ctx


class CounterDialog(DeskAccess, ModalScreen[ResultT]):
    """A modal dialog of the counter's App that reads the desk context."""

    if TYPE_CHECKING:
        app = getters.app(CounterdeskApp)

    @property
    def ctx(self) -> DeskContext:
        """The desk context: database, catalog, hall and the staff member logged in."""
        return self.app.ctx
