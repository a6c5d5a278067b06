"""Every file counterdesk writes for people to take away: PDFs, exports, reports, backups.

Packets and exports hold citizens' full data, so each is written the same way: into a temporary
file in the target's own folder, created readable by its owner only, then moved into place in one
step. A reader never sees half a file, a failed or interrupted write leaves nothing behind, and an
existing path is replaced only when asked (``--force``) and only when it is an ordinary file: a
device node, a FIFO, a folder or a symbolic link at the path is refused, since replacing one
(``export -o /dev/sda`` as root) destroys something that is not a document.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from counterdesk.domain.errors import OS_FAULTS, Fault, InvalidInput, StorageError
from counterdesk.domain.text import shown

Producer = bytes | Callable[[Path], None]
"""The content: bytes, or a function that fills the (empty, owner-only) temporary file at a path."""


class OutputExists(InvalidInput):
    """The path already holds a file and ``--force`` was not given."""

    default_code = "output_exists"


def private_folder(path: Path) -> Path:
    """``path`` as a folder readable by its owner only: created 0700 if missing, tightened if not.

    For counterdesk's own folders (``data/output``), never for a folder a person names with ``-o``.
    """
    path = Path(path)
    try:
        _make_folders(path)
        if stat.S_IMODE(path.stat().st_mode) & 0o077:
            path.chmod(0o700)
    except OSError as error:
        raise StorageError(f"无法创建文件夹 {_name(path)}（{error.strerror or error}）。", code="output_folder") from error
    return path


def _make_folders(path: Path) -> None:
    """Create ``path`` and every missing folder above it 0700 (``mkdir(parents=True)`` would use 0755 above)."""
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)


def refuse_unsafe_target(path: Path, *, force: bool) -> None:
    """Refuse a path that holds anything but an ordinary file, and an ordinary file without ``force``."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as error:
        raise StorageError(f"无法检查 {_name(path)}（{error.strerror or error}）。", code="output_unreadable") from error
    mode = found.st_mode
    if stat.S_ISLNK(mode):
        raise InvalidInput(f"{_name(path)} 是符号链接，不能写入，请指定一个普通文件路径。", code="output_symlink")
    if stat.S_ISDIR(mode):
        raise InvalidInput(f"{_name(path)} 是文件夹，请指定文件名。", code="output_folder")
    if not stat.S_ISREG(mode):
        raise InvalidInput(f"{_name(path)} 是设备或管道等特殊文件，不能覆盖。", code="output_special")
    if not force:
        raise OutputExists(f"{_name(path)} 已存在；确需覆盖请加 --force。")


def write_atomically(path: Path, producer: Producer, *, force: bool = False) -> Path:
    """Write ``producer``'s content to ``path`` owner-only (0600) and atomically; returns ``path``.

    A missing parent folder is created owner-only. Without ``force`` an existing path is refused
    (``OutputExists``) and the final step never replaces anything, even a file that appears while
    the content is produced; with ``force`` only an ordinary file is replaced. Any failure, an
    interrupt included, removes the temporary file and leaves the path as it was.
    """
    path = Path(path)
    refuse_unsafe_target(path, force=force)
    folder = path.parent
    try:
        _make_folders(folder)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as error:
        raise _storage(path, error) from error
    staged = Path(temporary)
    try:
        _fill(fd, staged, producer)
        refuse_unsafe_target(path, force=force)
        _publish(staged, path, force=force)
    except OSError as error:
        raise _storage(path, error) from error
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    _sync_folder(folder)
    return path


@contextlib.contextmanager
def staged_folder(path: Path, *, force: bool = False) -> Iterator[Path]:
    """An owner-only folder to fill that becomes ``path`` when the block ends without an error.

    The files copied beside an export go here, so a failed export leaves no half-filled folder.
    Without ``force`` an existing ``path`` is refused; with it, only a real folder (not a link)
    is replaced, whole. An empty staged folder is dropped and ``path`` left as it was.
    """
    path = Path(path)
    _refuse_unsafe_folder(path, force=force)
    try:
        _make_folders(path.parent)
        staging = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp"))
    except OSError as error:
        raise _storage(path, error) from error
    try:
        yield staging
        if any(staging.iterdir()):
            _swap_folder(staging, path, force=force)
    except OSError as error:
        raise _storage(path, error) from error
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _refuse_unsafe_folder(path: Path, *, force: bool) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        raise InvalidInput(f"{_name(path)} 是符号链接，不能写入。", code="output_symlink")
    if not stat.S_ISDIR(mode):
        raise InvalidInput(f"{_name(path)} 已存在且不是文件夹，不能覆盖。", code="output_special")
    if not force:
        raise OutputExists(f"{_name(path)} 已存在；确需覆盖请加 --force。")


def _swap_folder(staging: Path, path: Path, *, force: bool) -> None:
    _refuse_unsafe_folder(path, force=force)
    if not os.path.lexists(path):
        os.rename(staging, path)
        return
    retired = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".old"))
    os.rename(path, retired / "folder")
    try:
        os.rename(staging, path)
    except OSError:
        os.rename(retired / "folder", path)
        os.rmdir(retired)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _fill(fd: int, staged: Path, producer: Producer) -> None:
    if isinstance(producer, bytes):
        with os.fdopen(fd, "wb") as out:
            out.write(producer)
            out.flush()
            os.fsync(out.fileno())
        return
    os.close(fd)
    producer(staged)
    # The producer may have replaced the file it was given (SQLite's backup does not, others might).
    found = os.lstat(staged)
    if not stat.S_ISREG(found.st_mode):
        raise InvalidInput("生成的输出不是普通文件，已放弃。", code="output_special")
    os.chmod(staged, 0o600)
    with open(staged, "rb") as written:
        os.fsync(written.fileno())


def _publish(staged: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(staged, path)
        return
    try:
        # A hard link never replaces: a file that appeared meanwhile is refused, not lost.
        os.link(staged, path)
    except FileExistsError as error:
        raise OutputExists(f"{_name(path)} 已存在；确需覆盖请加 --force。") from error
    except OSError:
        # No hard links on this filesystem (some network shares): checked just above, so rename.
        os.replace(staged, path)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable too (a power cut right after must not lose the rename)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _storage(path: Path, error: OSError) -> StorageError:
    """A write that the machine refused (full disk, file-size limit …): exit 1, worded as every fault."""
    reason = OS_FAULTS.get(error.errno or 0, error.strerror or str(error))
    return Fault(f"无法写入 {_name(path)}（{reason}），未留下任何文件。", code="output_write")


def _name(path: Path) -> str:
    return shown(str(path), markup=False)
