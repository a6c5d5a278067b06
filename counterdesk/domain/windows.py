"""The hall's windows (窗口) as the counter, its papers and its pad name them."""

from __future__ import annotations

NO_WINDOW = "值班台"
"""Where staff without a window of their own (a supervisor) work."""


def window_label(window: int | None) -> str:
    """``3 号窗口``, or 值班台 for no window."""
    return f"{window} 号窗口" if window else NO_WINDOW
