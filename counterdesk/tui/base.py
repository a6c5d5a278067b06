"""What the counter's screens share: the App typed as the counter's, the desk context without ``None``
checks, and service calls run off the UI thread.

A screen hands ``run_service`` the work (one or a few service calls) and what to do with the result;
the work runs in a thread worker and its result — or the ``CounterdeskError`` that refused it — comes
back as a message to the screen, whose own message loop applies it. A screen that was closed in the
meantime, or work that newer work of the same exclusive group replaced, gets nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from textual import getters
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, get_current_worker

from counterdesk.domain.errors import CounterdeskError
from counterdesk.tui.context import DeskContext

if TYPE_CHECKING:
    from counterdesk.catalog import Catalog
    from counterdesk.services.staff import Actor
    from counterdesk.tui.app import CounterdeskApp

R = TypeVar("R")
ResultT = TypeVar("ResultT")


class ServiceReturned(Message, Generic[R]):
    """Work run by ``run_service`` returned ``result``: ``then`` takes it on the UI thread."""

    bubble = False

    def __init__(self, result: R, then: Callable[[R], object] | None) -> None:
        super().__init__()
        self.result = result
        self.then = then


class ServiceRefused(Message):
    """Work run by ``run_service`` was refused: ``error.message`` says why, in Chinese."""

    bubble = False

    def __init__(self, error: CounterdeskError, refused: Callable[[CounterdeskError], object] | None,
                 severity: SeverityLevel) -> None:
        super().__init__()
        self.error = error
        self.refused = refused
        """What to do instead of the default: showing ``error.message`` as a notification."""
        self.severity = severity


class _WorkerHost(Protocol):
    def run_worker(self, work: Callable[[], None], name: str | None = "", group: str = "default",
                   description: str = "", exit_on_error: bool = True, start: bool = True, exclusive: bool = False,
                   thread: bool = False) -> Worker[None]: ...

    def post_message(self, message: Message) -> bool: ...

    @property
    def is_attached(self) -> bool: ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None: ...


class ServiceCalls:
    """Mixed into a screen (before the Textual class): ``run_service`` and the handlers of its messages."""

    def run_service(self: _WorkerHost, job: Callable[[], R], then: Callable[[R], object] | None = None, *,
                    refused: Callable[[CounterdeskError], object] | None = None,
                    severity: SeverityLevel = "error", group: str = "service",
                    exclusive: bool = False) -> Worker[None]:
        """Run ``job`` in a thread worker; then, on the UI thread, ``then(result)``.

        A ``CounterdeskError`` from ``job`` — or a fault of the machine that ``store.faults`` words
        (a full disk, a read-only or busy database) — goes to ``refused``, or by default is shown as a
        notification of ``severity``. Any other error fails the worker, for ``guard`` to report.
        With ``exclusive``, starting work cancels the earlier work of the same ``group``, whose
        result is then dropped (a search typed on). A poll is not exclusive: each tick would cancel
        the one before, and a database slower than the poll would never answer.
        """

        def work() -> None:
            from counterdesk.store.faults import as_refusal

            reply: Message
            try:
                reply = ServiceReturned(job(), then)
            except Exception as error:
                refusal = as_refusal(error)
                if refusal is None:
                    raise
                reply = ServiceRefused(refusal, refused, severity)
            if not get_current_worker().is_cancelled:
                self.post_message(reply)

        return self.run_worker(work, group=group, exclusive=exclusive, thread=True)

    def on_service_returned(self: _WorkerHost, message: ServiceReturned[Any]) -> None:
        # A screen closed while its work ran (F10, a failure, the idle lock's reset) has no one
        # to show the answer to; what the service stored is stored.
        if message.then is not None and self.is_attached:
            message.then(message.result)

    def on_service_refused(self: _WorkerHost, message: ServiceRefused) -> None:
        if not self.is_attached:
            return
        if message.refused is not None:
            message.refused(message.error)
        else:
            self.notify(message.error.message, severity=message.severity, markup=False)


class _DeskApp(Protocol):
    ctx: DeskContext


class _OnDeskApp(Protocol):
    @property
    def app(self) -> _DeskApp: ...


class _HasContext(Protocol):
    @property
    def ctx(self) -> DeskContext: ...


class DeskAccess:
    """Mixed into a screen of an App that holds a ``DeskContext`` (the counter, the pad): the context,
    and its catalog and staff member never None.

    Screens after the login only: the catalog is loaded before it and the staff member logged in.
    """

    @property
    def ctx(self: _OnDeskApp) -> DeskContext:
        """The desk context: database, catalog, hall and the staff member logged in."""
        return self.app.ctx

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


class CounterScreen(ServiceCalls, DeskAccess, Screen[ResultT]):
    """A screen of the counter's App (``CounterdeskApp``), typed as such."""

    if TYPE_CHECKING:
        app = getters.app(CounterdeskApp)


class CounterDialog(ServiceCalls, DeskAccess, ModalScreen[ResultT]):
    """A modal dialog of the counter's App that reads the desk context."""

    if TYPE_CHECKING:
        app = getters.app(CounterdeskApp)
