"""Faults of the machine as one sentence: a read-only database, a full disk, a file-size limit.

The database and the file system report these as driver errors or ``OSError``; ``as_refusal``
turns each into the ``CounterdeskError`` a person can act on, so the command line (and any
screen) shows one Chinese sentence instead of a traceback. Transactions are rolled back by the
session that failed, so nothing half-written stays behind in the database.
"""

from __future__ import annotations

import errno

from sqlalchemy.exc import DBAPIError

from counterdesk.domain.errors import OS_FAULTS, CounterdeskError, Fault, InvalidInput

_READ_ONLY_DB = ("readonly database", "read-only transaction", "read only", "read-only")
_FULL_DB = ("database or disk is full", "could not extend file", "no space left", "disk full")
_IO_DB = ("disk i/o error",)
_BUSY_DB = ("database is locked", "database table is locked")
_OUT_OF_RANGE = ("out of range", "too large")

def as_refusal(error: BaseException) -> CounterdeskError | None:
    """The sentence for a database, file-system or range fault; None for anything else."""
    if isinstance(error, CounterdeskError):
        return error
    if isinstance(error, DBAPIError):
        return _database(error)
    if isinstance(error, OverflowError):
        return InvalidInput("输入的数值超出了允许的范围。", code="out_of_range")
    if isinstance(error, OSError) and error.errno in OS_FAULTS:
        where = f"“{error.filename}”" if error.filename else "文件"
        return Fault(f"无法写入{where}：{OS_FAULTS[error.errno]}，请处理后重试（未留下不完整的文件或数据）。",
                     code=errno.errorcode.get(error.errno, "oserror").lower())
    return None


def _database(error: DBAPIError) -> CounterdeskError | None:
    text = str(getattr(error, "orig", error)).lower()
    sqlstate = getattr(getattr(error, "orig", None), "sqlstate", None) or ""
    if sqlstate == "25006" or any(marker in text for marker in _READ_ONLY_DB):
        return Fault("数据库是只读的，本次操作未做任何改动：请检查数据库文件或账号的写入权限。", code="db_read_only")
    if sqlstate.startswith("53") or any(marker in text for marker in _FULL_DB):
        return Fault("数据库所在磁盘已满，本次操作已整体撤销：请腾出空间后重试。", code="db_full")
    if any(marker in text for marker in _IO_DB):
        return Fault("写入数据库时磁盘出错（可能已满或文件大小受限），本次操作已整体撤销：请处理后重试。",
                     code="db_io")
    if any(marker in text for marker in _BUSY_DB):
        return Fault("数据库正被其他窗口长时间占用，本次操作已撤销：请稍后重试。", code="db_busy")
    if sqlstate == "22003" or any(marker in text for marker in _OUT_OF_RANGE):
        return InvalidInput("输入的数值超出了允许的范围。", code="out_of_range")
    return None
