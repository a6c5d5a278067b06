"""counterdesk: the terminal wizard for Hunan's cross-region service windows (跨域通办窗口)."""

__version__ = "0.1.0"
