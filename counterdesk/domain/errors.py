"""Refusals: one exception family, each with a Chinese sentence for the person and a stable code.

The TUI shows ``message`` beside the field or in a notification; the CLI prints it as one line
on stderr and exits with ``exit_code`` (DESIGN.md: 1 valid but unsatisfied, 2 invalid input).
"""

from __future__ import annotations

import errno


class CounterdeskError(Exception):
    """Base of every refusal the user should read."""

    exit_code = 2
    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        """The sentence shown to the person, in Simplified Chinese."""
        self.code = code or self.default_code
        """A stable machine code (batch rejects, JSON output)."""
        self.field = field
        """The form field at fault, when there is one."""


class InvalidInput(CounterdeskError):
    """The request itself is wrong: a malformed value, an unknown option."""

    default_code = "invalid"


class NotFound(CounterdeskError):
    """The request was valid but names nothing that exists."""

    exit_code = 1
    default_code = "not_found"


class Forbidden(CounterdeskError):
    """The acting staff member's role or window does not allow this."""

    exit_code = 2
    default_code = "forbidden"


class Conflict(CounterdeskError):
    """The data changed meanwhile, or the request clashes with what is stored."""

    exit_code = 1
    default_code = "conflict"


class AuthenticationFailed(CounterdeskError):
    """Wrong staff ID or password, a disabled or locked account."""

    exit_code = 2
    default_code = "auth"


class StorageError(CounterdeskError):
    """The database cannot be opened or is of a schema this code does not know."""

    exit_code = 2
    default_code = "storage"


OS_FAULTS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在磁盘是只读的",
    errno.EFBIG: "文件大小超出了系统限制（ulimit -f）",
    errno.EACCES: "没有读写权限",
    errno.EPERM: "没有读写权限",
    errno.EIO: "磁盘读写出错",
}


class Fault(StorageError):
    """The machine, not the request, refused: the request may succeed once the fault is fixed."""

    exit_code = 1
    default_code = "fault"
