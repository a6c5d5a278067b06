"""A form row: the label, the field, and the live validation message beside it."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

OK_MARK = "✓"


class FormInput(Input):
    """An Input of a fixed-width form field whose typing does not lay the whole screen out again.

    Textual's Input sets its virtual size from its text on every change, and that reactive asks for
    a layout of the screen: on the applicant form, two thirds of a keystroke's CPU. A field whose
    width is set by the form (``1fr``, not ``auto``) needs the new size only for its own horizontal
    scrolling, so it is stored without the layout.
    """

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)


class FieldRow(Horizontal):
    """``label │ field │ message`` on one line; the message wraps when it is long."""

    def __init__(self, key: str, label: str, field: Widget, **kwargs) -> None:
        super().__init__(id=f"row-{key}", classes="field-row", **kwargs)
        self.key = key
        """The form key this row edits (``name``, ``mobile`` …)."""
        self.label = label
        self.field = field
        """The Input, Select or TextArea."""
        self._shown: tuple[str | None, bool] | None = None

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self.field
        yield Static("", classes="field-msg", id=f"msg-{self.key}", markup=False)

    def relabel(self, label: str) -> None:
        """Change the label (姓名 ↔ 企业名称)."""
        self.label = label
        self.query_one(".field-label", Label).update(label)

    def show(self, problem: str | None, *, ok: bool = False) -> None:
        """Show what is wrong, a tick when the value is fine, or nothing."""
        if self._shown == (problem, ok):
            return
        before = self._message()
        self._shown = (problem, ok)
        message = self.query_one(".field-msg", Static)
        text = self._message()
        # The screen is laid out again only when the message takes another number of lines: the
        # length check beside the ID number changes with every key typed into it.
        width = message.content_size.width
        message.update(text, layout=not width or _lines(text, width, self) != _lines(before, width, self))
        self.set_class(bool(problem), "invalid")

    def _message(self) -> Text:
        problem, ok = self._shown or (None, False)
        if problem:
            return Text(problem, style="bold red")
        return Text(OK_MARK, style="green") if ok else Text("")




def _lines(text: Text, width: int, widget: Widget) -> int:
    """How many lines ``text`` takes at ``width`` cells: an empty Static is one line high too, so a
    message appearing or going away beside a one-line field leaves the form as it was laid out."""
    return max(1, len(text.wrap(widget.app.console, width))) if text.plain else 1


def field_value(widget: Widget) -> str:
    """The text of an Input, Select or TextArea ('' for a Select with nothing chosen)."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    if isinstance(widget, Select):
        return "" if widget.value is Select.NULL else str(widget.value)
    raise TypeError(f"not a form field: {widget!r}")


def set_field_value(widget: Widget, value: str) -> None:
    """Put a stored value back into a field (an unknown Select value leaves it unchosen)."""
    if isinstance(widget, Input):
        widget.value = value
    elif isinstance(widget, TextArea):
        widget.text = value
    elif isinstance(widget, Select):
        try:
            widget.value = value
        except InvalidSelectValueError:
            if not widget.is_blank():
                with contextlib.suppress(InvalidSelectValueError):
                    widget.clear()
    else:
        raise TypeError(f"not a form field: {widget!r}")
