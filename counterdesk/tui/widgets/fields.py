"""A form row: the label, the field, and the live validation message beside it."""

from __future__ import annotations

import contextlib

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static, TextArea
from textual.widgets.select import InvalidSelectValueError

OK_MARK = "✓"


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
        self._shown = (problem, ok)
        message = self.query_one(".field-msg", Static)
        if problem:
            message.update(Text(problem, style="bold red"))
        elif ok:
            message.update(Text(OK_MARK, style="green"))
        else:
            message.update("")
        self.set_class(bool(problem), "invalid")


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
