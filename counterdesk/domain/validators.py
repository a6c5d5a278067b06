"""Live form validation: ask any validator what is wrong with a value, without exceptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from counterdesk.domain.errors import InvalidInput


def problem(fn: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> str | None:
    """The message ``fn(value, *args, **kwargs)`` refuses ``value`` with, or None if it passes.

    For validators whose value is not the first argument, such as ``validate_id_number``,
    bind the leading arguments first: ``problem(partial(validate_id_number, "passport"), text)``.
    """
    try:
        fn(value, *args, **kwargs)
    except InvalidInput as refusal:
        return refusal.message
    return None


WINDOW_MIN, WINDOW_MAX = 1, 999


def validate_window(window: int | None, *, field: str = "window") -> int | None:
    """A window (窗口) number, 1–999; None stays None. Huge numbers are refused here, before SQL."""
    if window is not None and (isinstance(window, bool) or not WINDOW_MIN <= window <= WINDOW_MAX):
        raise InvalidInput(f"窗口号应为 {WINDOW_MIN}–{WINDOW_MAX} 之间的整数。", code="window", field=field)
    return window
