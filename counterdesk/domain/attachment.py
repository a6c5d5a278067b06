"""How a file came to a material (提交方式) and where its pre-check (预审) stands."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class AttachmentSource(StrEnum):
    """Where an attached file came from, as stored."""

    INBOX = "inbox"
    REUSE = "reuse"
    LICENSE = "license"
    BATCH = "batch"
    TRANSFER = "transfer"
    """Arrived in a transfer package from the hall that received the application (异地移交)."""


SOURCES: dict[str, str] = {
    AttachmentSource.INBOX: "扫描上传",
    AttachmentSource.REUSE: "资料复用",
    AttachmentSource.LICENSE: "电子证照",
    AttachmentSource.BATCH: "批量导入",
    AttachmentSource.TRANSFER: "异地移交",
}
"""Attachment source code → Chinese label."""


class Precheck(StrEnum):
    """预审 of an attached file, as stored."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


PRECHECK: dict[str, str] = {Precheck.PENDING: "待预审", Precheck.PASSED: "预审通过", Precheck.FAILED: "预审未通过"}
"""Pre-check code → Chinese label."""

PRECHECK_SHORT: dict[str, str] = {Precheck.PENDING: "待预审", Precheck.PASSED: "通过", Precheck.FAILED: "未通过"}
"""The same, for a column headed 预审."""


def folded_precheck(states: Iterable[str]) -> Precheck:
    """The pre-check of a material from its files': failed if any failed, else pending if any waits."""
    found = set(states)
    return Precheck.FAILED if Precheck.FAILED in found else Precheck.PENDING if Precheck.PENDING in found \
        else Precheck.PASSED

PRECHECK_REASON_MAX = 250
"""The longest reason a failed pre-check may give (it is printed on the 一次性告知单), in characters."""
