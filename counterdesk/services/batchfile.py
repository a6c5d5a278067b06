"""Batch files on disk: JSON Lines and CSV, read strictly and written back safely.

A batch file is decoded as UTF-8 (a leading byte-order mark is allowed). Anything else is refused
as a whole before a single row is read, with the reason: a GBK/GB18030 file (what Excel saves as
"CSV" on Chinese Windows) is recognised and named, but never decoded, because a wrong guess
between encodings would store garbled names without anyone noticing; "Save as CSV UTF-8" fixes it.

Rows are handed out one by one with the physical line they start on. A line that cannot be read
as a row (broken JSON, too long, a CSV record with the wrong number of cells) is still a row: it
comes out with its problem, so nothing read is ever dropped. Keys and columns starting with ``_``
are comments (the rejects file adds ``_line``, ``_code`` and ``_reason``) and are ignored.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from counterdesk.documents.output import refuse_unsafe_target, write_atomically
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.text import spreadsheet_restored, spreadsheet_row

FORMATS = ("jsonl", "csv")
MAX_LINE_BYTES = 1 << 20
"""Longest line accepted (1 MiB); a real row is a few hundred bytes, longer ones are hostile."""

META = ("_line", "_code", "_reason")
"""The columns a rejects file adds in front of each row."""

MAX_RECORD_LINES = 20
"""Physical lines one CSV record may span: a remark or an address with a few line breaks."""

RAW_SHOWN = 2000
"""How much of an unreadable line the rejects file repeats (the batch file keeps all of it)."""

_BOM = codecs.BOM_UTF8
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}


@dataclass
class RawRow:
    """One row as read, before any check: its data, or why it could not be read."""

    line: int
    """The physical line the row starts on (1-based; a CSV header is line 1)."""
    data: dict[str, Any] | None
    """JSON Lines: the object; CSV: column → cell text (empty cells left out)."""
    problem: InvalidInput | None = None
    """Why the line is not a row at all (bad JSON, wrong cell count, too long)."""
    raw: Any = None
    """What to write back to the rejects file: the object, the CSV cells, or the line's text."""


def detect_format(path: Path, declared: str | None = None) -> str:
    """``jsonl`` or ``csv``: as declared, else by the file's suffix, else by its first character."""
    if declared:
        if declared not in FORMATS:
            raise InvalidInput(f"不支持的格式 {declared}，只能是 jsonl 或 csv。", code="batch_format")
        return declared
    by_suffix = _SUFFIXES.get(path.suffix.lower())
    if by_suffix:
        return by_suffix
    with _open(path) as handle:
        head = handle.read(4096).lstrip(_BOM).lstrip()
    return "jsonl" if head.startswith(b"{") else "csv"


def check_encoding(path: Path) -> int:
    """Refuse the whole file unless it is UTF-8 text; returns its size in bytes."""
    with _open(path) as handle:
        head = handle.read(4)
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise _encoding("文件是 UTF-16 编码，请另存为 UTF-8 编码后再导入。")
        if head.startswith(b"PK\x03\x04"):
            raise InvalidInput("文件是 Excel 工作簿或压缩包，请另存为“CSV UTF-8”后再导入。", code="batch_format")
        handle.seek(len(_BOM) if head.startswith(_BOM) else 0)
        line = _first_bad_line(handle, "utf-8")
        if line is None:
            return handle.seek(0, os.SEEK_END)
        handle.seek(0)
        if _first_bad_line(handle, "gb18030") is None:
            raise _encoding("文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码（常见于 Excel 另存的 CSV）。"
                            "请另存为“CSV UTF-8”或 UTF-8 文本后再导入。", code="batch_encoding_gbk")
        raise _encoding(f"文件不是 UTF-8 编码的文本（第 {line} 行起无法解码），请检查文件或另存为 UTF-8。")


def _first_bad_line(handle: IO[bytes], encoding: str) -> int | None:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    line = 1
    while chunk := handle.read(1 << 20):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            return line + chunk.count(b"\n", 0, error.start)
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return line
    return None


def _encoding(message: str, code: str = "batch_encoding") -> InvalidInput:
    return InvalidInput(message, code=code)


def _open(path: Path) -> IO[bytes]:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InvalidInput(f"找不到文件“{path}”。", code="batch_missing") from None
    except IsADirectoryError:
        raise InvalidInput(f"“{path}”是文件夹，不是批量文件。", code="batch_missing") from None
    except OSError as error:
        raise InvalidInput(f"无法读取“{path}”：{error.strerror or error}。", code="batch_unreadable") from None


class BatchReader:
    """The rows of a batch file, in order; ``position`` and ``size`` say how far reading got.

    Opening checks the encoding of the whole file first (see the module docstring), so a file
    that is refused is refused before anything is imported.
    """

    def __init__(self, path: Path, fmt: str | None = None,
                 check_header: Callable[[list[str]], None] | None = None) -> None:
        self.path = Path(path)
        self.check_header = check_header
        """Called with the CSV header before the first row; raising refuses the whole file."""
        self.size = check_encoding(self.path)
        self.format = detect_format(self.path, fmt)
        self.position = 0
        """Bytes read so far (for a progress bar)."""
        self.header: list[str] | None = None
        """The CSV header as read; None for JSON Lines."""

    def __iter__(self) -> Iterator[RawRow]:
        with _open(self.path) as handle:
            yield from (self._jsonl(handle) if self.format == "jsonl" else self._csv(handle))

    def _lines(self, handle: IO[bytes]) -> Iterator[tuple[int, str | None, bytes]]:
        """(line number, text or None when too long, the bytes of the line)."""
        number = 0
        while chunk := handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            too_long = len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n")
            head = chunk
            while too_long and chunk and not chunk.endswith(b"\n"):
                chunk = handle.readline(1 << 20)
            self.position = handle.tell()
            if number == 1 and head.startswith(_BOM):
                head = head[len(_BOM):]
            yield number, None if too_long else head.decode("utf-8"), head

    def _jsonl(self, handle: IO[bytes]) -> Iterator[RawRow]:
        first = True
        for number, text, head in self._lines(handle):
            if text is not None and not text.strip():
                continue
            row = _json_row(number, text, head)
            if first and row.problem is not None:
                raise InvalidInput(f"第 {number} 行不是 JSON 对象，文件不是 JSON Lines 格式（每行一个 JSON 对象）："
                                   f"{row.problem.message}", code="batch_format")
            first = False
            yield row

    def _csv(self, handle: IO[bytes]) -> Iterator[RawRow]:
        for start, text, problem in self._records(handle):
            if problem is not None:
                if self.header is None:
                    raise InvalidInput(f"CSV 表头无法读取：{problem.message}", code="batch_format")
                yield RawRow(start, None, problem, raw=text[:RAW_SHOWN].rstrip("\r\n"))
                continue
            cells = _cells(text)
            if cells is None:
                if self.header is None:
                    raise InvalidInput("CSV 表头不是有效的 CSV。", code="batch_format")
                yield RawRow(start, None, InvalidInput("CSV 格式错误：引号的用法不对（字段内的双引号应写成两个）。",
                                                       code="csv_malformed"), raw=text[:RAW_SHOWN].rstrip("\r\n"))
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if self.header is None:
                self.header = _check_header(cells)
                if self.check_header is not None:
                    self.check_header(self.header)
            elif len(cells) != len(self.header):
                yield RawRow(start, None, InvalidInput(
                    f"该行有 {len(cells)} 个单元格，表头有 {len(self.header)} 列，请核对逗号和引号。",
                    code="csv_columns"), raw=cells)
            else:
                # A cell quoted against spreadsheet formulas (an export, a rejects file) is read as typed.
                data = {key: spreadsheet_restored(cell) for key, cell in zip(self.header, cells, strict=True)
                        if cell.strip() and not key.startswith("_")}
                yield RawRow(start, data, raw=cells)

    def _records(self, handle: IO[bytes]) -> Iterator[tuple[int, str, InvalidInput | None]]:
        """(first line, text, problem) of each CSV record, its physical lines joined.

        A quoted field may hold line breaks, so a record may span lines; but a quote left open
        must not swallow the rows after it. A record spanning lines that does not read as one row
        of the header's width, or whose quote stays open past ``MAX_LINE_BYTES`` or the end, is
        taken as an unterminated quote: its first line alone is rejected and reading resumes on the
        next line. A field that does close but spans more than ``MAX_RECORD_LINES`` lines is one
        rejected row.
        """
        pending: list[tuple[int, str | None, bytes]] = []
        lines = self._lines(handle)
        while True:
            if not pending:
                first = next(lines, None)
                if first is None:
                    return
                pending.append(first)
            number, text, head = pending[0]
            if text is None:
                pending.pop(0)
                yield number, head[:RAW_SHOWN].decode("utf-8", "replace"), InvalidInput(
                    _too_long(number), code="line_too_long")
                continue
            used, closed = self._span(pending, lines)
            record = "".join(item[1] or "" for item in pending[:used])  # _span counts whole lines only
            if closed and (used == 1 or self._fits(record)):
                del pending[:used]
                if used > MAX_RECORD_LINES:
                    yield number, record, InvalidInput(
                        f"第 {number} 行起的一个单元格跨越 {used} 行，超过 {MAX_RECORD_LINES} 行的上限。",
                        code="csv_field_too_long")
                else:
                    yield number, record, None
                continue
            pending.pop(0)
            yield number, text, InvalidInput("该行的引号没有闭合（可能漏了一个英文双引号），已单独拒收，其后的行照常读取。",
                                             code="csv_unterminated_quote")

    def _span(self, pending: list[tuple[int, str | None, bytes]],
              lines: Iterator[tuple[int, str | None, bytes]]) -> tuple[int, bool]:
        """How many of the pending lines (reading more as needed) one record takes, and whether it closed."""
        in_quotes, size, used = False, 0, 0
        while True:
            if used == len(pending):
                following = next(lines, None)
                if following is None:
                    return used, False
                pending.append(following)
            _, text, _ = pending[used]
            if text is None:
                return used, False
            in_quotes = _quote_open(text, in_quotes)
            size += len(text)
            used += 1
            if not in_quotes:
                return used, True
            if size > MAX_LINE_BYTES:
                return used, False

    def _fits(self, record: str) -> bool:
        cells = _cells(record)
        return cells is not None and (self.header is None or len(cells) == len(self.header))


def _quote_open(line: str, in_quotes: bool) -> bool:
    """Whether a quoted CSV field is still open at the end of ``line`` (as the csv module reads quotes)."""
    field_start, after_quote = not in_quotes, False
    for ch in line:
        if in_quotes:
            if ch == '"':
                in_quotes, after_quote = False, True
            continue
        if after_quote and ch == '"':
            in_quotes, after_quote = True, False
            continue
        after_quote = False
        if ch == '"' and field_start:
            in_quotes, field_start = True, False
            continue
        field_start = ch == ","
    return in_quotes


def _cells(record: str) -> list[str] | None:
    """The cells of one CSV record, or ``None`` when it is not valid CSV."""
    try:
        rows = list(csv.reader(io.StringIO(record, newline=""), strict=True))
    except csv.Error:
        return None
    return rows[0] if len(rows) == 1 else [] if not rows else None


def _too_long(line: int) -> str:
    return f"第 {line} 行超过 {MAX_LINE_BYTES // 1024} KB，不是有效的数据行。"


def _json_row(number: int, text: str | None, head: bytes) -> RawRow:
    if text is None:
        shown = head[:RAW_SHOWN].decode("utf-8", "replace")
        return RawRow(number, None, InvalidInput(_too_long(number), code="line_too_long"), raw=shown)
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as error:
        return RawRow(number, None, InvalidInput(f"键“{error.key}”在同一行中出现了两次。", code="duplicate_key"),
                      raw=text.rstrip("\r\n"))
    except (ValueError, RecursionError) as error:
        reason = f"不是有效的 JSON：{error}" if isinstance(error, ValueError) else "JSON 嵌套过深。"
        return RawRow(number, None, InvalidInput(reason, code="invalid_json"), raw=text.rstrip("\r\n"))
    if not isinstance(value, dict):
        return RawRow(number, None, InvalidInput("每行应为一个 JSON 对象（{…}）。", code="not_object"),
                      raw=text.rstrip("\r\n"))
    data = {key: item for key, item in value.items() if not key.startswith("_")}
    return RawRow(number, data, raw=value)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _csv_problem(line: int, text: str, message: str, code: str) -> RawRow:
    return RawRow(line, None, InvalidInput(message, code=code), raw=text.rstrip("\r\n"))


def _check_header(cells: list[str]) -> list[str]:
    header = [cell.strip() for cell in cells]
    seen: set[str] = set()
    for name in header:
        if not name:
            raise InvalidInput("CSV 表头有空白列名。", code="batch_columns")
        if name in seen:
            raise InvalidInput(f"CSV 表头中列“{name}”出现了两次。", code="batch_columns")
        seen.add(name)
    return header


class RejectsWriter:
    """The rejects file: each rejected row in the input's format, with ``_line``, ``_code``, ``_reason``.

    Fix the rows in place and import the file again: the ``_`` keys and columns are ignored.
    The file is created owner-only (it holds citizens' data) and flushed row by row, so an
    interrupted import still leaves the rejects found so far.
    """

    def __init__(self, path: Path, fmt: str, header: list[str] | None = None) -> None:
        self.path = Path(path)
        self.format = fmt
        self.header = header
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def write(self, row: RawRow, code: str, reason: str) -> None:
        """Append one rejected row."""
        handle = self._open()
        meta = [row.line, code, reason]
        if self.format == "jsonl":
            body = row.raw if isinstance(row.raw, dict) else {"_raw": row.raw}
            record = dict(zip(META, meta, strict=True))
            record.update((k, v) for k, v in body.items() if k not in META)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            cells = row.raw if isinstance(row.raw, list) else [row.raw]
            keep = [i for i, name in enumerate(self.header or []) if name not in META]
            extra = range(len(self.header or []), len(cells))
            self._writer.writerow(spreadsheet_row(
                meta + [cells[i] for i in keep if i < len(cells)] + [cells[i] for i in extra]))
        handle.flush()
        self.count += 1

    def _open(self) -> IO[str]:
        if self._handle is None:
            self._handle = open_private(self.path)
            if self.format == "csv":
                self._writer = csv.writer(self._handle)
                self._writer.writerow(list(META) + [name for name in self.header or [] if name not in META])
        return self._handle

    def close(self) -> None:
        """Close the file (it only exists when something was rejected)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def open_private(path: Path) -> IO[str]:
    """A new text file, readable by its owner only, replacing an earlier ordinary file (never a
    folder, a device or a symbolic link)."""
    path = Path(path)
    refuse_unsafe_target(path, force=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return open(fd, "w", encoding="utf-8", newline="")


def write_rows(path: Path, fmt: str, rows: Iterable[dict[str, Any]], columns: list[str] | None = None, *,
               force: bool = False) -> None:
    """Write rows (JSON objects, or flat CSV dicts under ``columns``) to ``path`` atomically, owner-only."""

    def produce(staged: Path) -> None:
        with open(staged, "w", encoding="utf-8", newline="") as handle:
            if fmt == "jsonl":
                for row in rows:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                writer = csv.DictWriter(handle, fieldnames=columns or [], extrasaction="raise")
                writer.writeheader()
                writer.writerows(spreadsheet_row(row) for row in rows)

    write_atomically(Path(path), produce, force=force)
