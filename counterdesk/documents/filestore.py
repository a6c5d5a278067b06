"""The attachment store: every attached file, once, under its SHA-256 (``scans/store/<2 hex>/<sha256>``).

Writes are atomic and durable (temporary file, fsync, rename, fsync of the folder), so a crash
leaves either the whole file or nothing; the inbox copy is moved away only after that. Files
and folders are created readable by the owner only: they are citizens' documents.

Storing a file and committing the row that refers to it are two steps, so garbage collection
must never run between them. Writers hold a shared lock on ``store/.lock`` from the first
``put`` until their transaction is committed (``writing``); ``gc`` runs under the exclusive lock
(``exclusive``) and, for writers on other machines that share the folder without sharing its
locks, also spares every file stored or re-stored within the grace period.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import hashlib
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path

from counterdesk.documents.inbox import ScanInfo
from counterdesk.domain.errors import Conflict, InvalidInput, NotFound

_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHARD = re.compile(r"[0-9a-f]{2}")
_TMP_PREFIX = ".tmp-"
_STALE_TMP_SECONDS = 3600
_CHUNK = 1 << 20
_LOCK_NAME = ".lock"
_LOCK_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class StoredBlob:
    """A file held by the store (what the ``storedfile`` table records)."""

    sha256: str
    size: int
    pages: int
    media_type: str


class FileStore:
    """Content-addressed, owner-only file store rooted at one folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        """The store folder (``scans/store``); created on the first ``put``."""
        self._staged: list[tuple[Path, Path]] | None = None
        """Inside ``many()``: the files written and not yet placed (temporary name, final name)."""

    def put(self, source: Path | bytes, *, info: ScanInfo) -> StoredBlob:
        """Store a checked file (or its bytes) and return its identity; storing it twice is a no-op.

        Refuses with ``Conflict`` when the file's size no longer matches what ``inspect_file``
        saw, since the scanner may have rewritten it in between. Inside ``many()`` the file is
        only staged: it is in the store, durably, when that block ends.
        """
        self._ensure_dir(self.root)
        tmp = self.root / f"{_TMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
        staged = False
        try:
            sha256, size = self._write_tmp(source, tmp, sync=self._staged is None)
            if size != info.size:
                raise Conflict(
                    f"“{info.name}”在检查后发生了变化，请重新选择该文件。", code="file_changed", field="file"
                )
            if self._staged is not None:
                self._staged.append((tmp, self._path(sha256)))
                staged = True
            else:
                self._place(tmp, self._path(sha256), sync=True)
        finally:
            if not staged:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        return StoredBlob(sha256=sha256, size=size, pages=info.pages, media_type=info.media_type)

    @contextlib.contextmanager
    def many(self) -> Iterator[None]:
        """Store many files with two syncs of the filesystem in all, not two fsyncs each.

        ``put`` inside the block writes each file under a temporary name; when the block ends
        the files' contents are synced, then renamed into place, then the new names synced.
        A crash leaves only temporary files (removed later) or whole files under their hashes,
        as ``put`` alone does. The caller commits the rows naming the files after the block.
        """
        if self._staged is not None:
            yield
            return
        self._staged = []
        try:
            yield
            staged = self._staged
            if not staged:  # nothing written (rows without files): nothing to sync
                return
            _sync_files(self.root, [tmp for tmp, _ in staged])
            folders = {self.root}
            for tmp, target in staged:
                if self._place(tmp, target, sync=False):
                    folders.add(target.parent)
            _sync_files(self.root, sorted(folders))
        finally:
            for tmp, _ in self._staged:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            self._staged = None

    def _place(self, tmp: Path, target: Path, *, sync: bool) -> bool:
        """Move a written temporary file to its hash's name; ``True`` when the name is new."""
        shard_created = self._ensure_dir(target.parent)
        if target.exists():
            tmp.unlink()
            # Stored again: a new reference is on its way, so its grace period starts anew.
            os.utime(target)
            return False
        os.replace(tmp, target)
        if sync:
            _fsync_dir(target.parent)
            if shard_created:
                _fsync_dir(self.root)
        return True

    def path_of(self, sha256: str) -> Path:
        """Where a stored file lives; ``NotFound`` when the store does not hold it."""
        path = self._path(sha256)
        if not path.is_file():
            raise NotFound("附件文件不在附件库中，可能已被清理，请重新扫描上传。", code="file_missing")
        return path

    def exists(self, sha256: str) -> bool:
        """Whether the store holds a file under this hash."""
        return self._path(sha256).is_file()

    def verify(self, sha256: str) -> bool:
        """Re-hash a stored file: ``False`` when it is missing or its bytes no longer match."""
        path = self._path(sha256)
        digest = hashlib.sha256()
        try:
            with open(path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
        except FileNotFoundError:
            return False
        return digest.hexdigest() == sha256

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold off ``gc`` while files are stored and the rows naming them are not yet committed."""
        with self._lock(fcntl.LOCK_SH, wait=None):
            yield

    @contextlib.contextmanager
    def exclusive(self, *, wait: float) -> Iterator[None]:
        """The store to oneself (for ``gc``); ``Conflict`` when writers hold it longer than ``wait`` seconds."""
        with self._lock(fcntl.LOCK_EX, wait=wait):
            yield

    @contextlib.contextmanager
    def _lock(self, kind: int, *, wait: float | None) -> Iterator[None]:
        self._ensure_dir(self.root)
        fd = os.open(self.root / _LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = None if wait is None else time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, kind | (0 if deadline is None else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise Conflict("附件库正在被导入或办理写入，为免删除尚未登记的文件，本次未清理：请稍后重试。",
                                       code="store_busy") from None
                    time.sleep(_LOCK_POLL_SECONDS)
            yield
        finally:
            os.close(fd)

    def gc(self, referenced: set[str], *, dry_run: bool = True, grace: float = 0) -> list[str]:
        """Hashes of stored files nothing references, sorted; deleted unless ``dry_run``.

        Files stored (or stored again) less than ``grace`` seconds ago are spared: a writer may
        still be about to commit the row that refers to them. Also removes temporary files an
        interrupted ``put`` left behind (older than an hour). Run it under ``exclusive``.
        """
        if not self.root.is_dir():
            return []
        orphans: list[str] = []
        young = time.time() - grace
        for shard in self.root.iterdir():
            if not (_SHARD.fullmatch(shard.name) and shard.is_dir() and not shard.is_symlink()):
                continue
            for blob in shard.iterdir():
                if _SHA256.fullmatch(blob.name) and blob.name not in referenced:
                    with contextlib.suppress(FileNotFoundError):
                        if grace and blob.stat().st_mtime > young:
                            continue
                    orphans.append(blob.name)
                    if not dry_run:
                        blob.unlink(missing_ok=True)
            if not dry_run:
                _fsync_dir(shard)
        if not dry_run:
            self._remove_stale_tmp()
        return sorted(orphans)

    def move_to_attached(
        self, inbox_file: Path, attached_dir: Path, *, sha256: str | None = None
    ) -> Path:
        """Move an inbox file into ``attached/`` under a free name (``扫描 (1).pdf``) and return it.

        With ``sha256``, refuses unless the store already holds that content, so an inbox file is
        never moved away before its copy is safe.
        """
        inbox_file = Path(inbox_file)
        if sha256 is not None and not self.exists(sha256):
            raise Conflict("附件尚未存入附件库，扫描件保留在收件箱中。", code="file_not_stored")
        if inbox_file.is_symlink():
            raise InvalidInput(f"“{inbox_file.name}”是链接文件，不予移动。", code="file_link", field="file")
        self._ensure_dir(Path(attached_dir))
        stem, suffix = inbox_file.stem, inbox_file.suffix
        for n in range(10_000):
            name = inbox_file.name if n == 0 else f"{stem} ({n}){suffix}"
            target = Path(attached_dir) / name
            if _move_no_replace(inbox_file, target):
                _fsync_dir(target.parent)
                return target
        raise Conflict("已归档文件夹中同名文件过多，请先整理 attached 文件夹。", code="attached_full")

    def give_back(self, sha256: str, name: str, attached_dir: Path, inbox_dir: Path) -> Path:
        """Return a detached scan to the inbox under a free name and return where it went.

        The archived copy in ``attached/`` (same name, or ``name (n)``, same content) moves back;
        if it is gone, the stored bytes are written to the inbox instead, so the scan is never lost.
        """
        inbox_dir = Path(inbox_dir)
        stem, suffix = Path(name).stem, Path(name).suffix
        numbered = sorted(Path(attached_dir).glob(f"{glob_escape(stem)} (*){glob_escape(suffix)}"))
        for candidate in [Path(attached_dir) / name, *numbered]:
            if candidate.is_file() and not candidate.is_symlink() and _sha256_of(candidate) == sha256:
                return self._to_free_name(inbox_dir, name, functools.partial(_move_no_replace, candidate))
        source = self.path_of(sha256)
        self._ensure_dir(inbox_dir)
        tmp = inbox_dir / f"{_TMP_PREFIX}{os.getpid()}-{time.monotonic_ns()}"
        try:
            self._write_tmp(source, tmp, sync=True)
            return self._to_free_name(inbox_dir, name, lambda target: _move_no_replace(tmp, target))
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()

    def _to_free_name(self, folder: Path, name: str, move) -> Path:
        """``move(target)`` to the first free ``name`` / ``name (n)`` in ``folder``; the target."""
        stem, suffix = Path(name).stem, Path(name).suffix
        for n in range(10_000):
            target = folder / (name if n == 0 else f"{stem} ({n}){suffix}")
            if move(target):
                _fsync_dir(folder)
                return target
        raise Conflict("收件箱中同名文件过多，请先整理扫描收件箱。", code="inbox_full")

    def _path(self, sha256: str) -> Path:
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            raise InvalidInput("附件标识不是有效的 SHA-256 值。", code="sha256")
        return self.root / sha256[:2] / sha256

    def _write_tmp(self, source: Path | bytes, tmp: Path, *, sync: bool) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            if isinstance(source, bytes | bytearray | memoryview):
                data = bytes(source)
                digest.update(data)
                out.write(data)
                size = len(data)
            else:
                src_fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW)
                with os.fdopen(src_fd, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            out.flush()
            if sync:
                os.fsync(out.fileno())
        return digest.hexdigest(), size

    def _ensure_dir(self, path: Path) -> bool:
        """Create an owner-only folder (and its parents); ``True`` when it was created."""
        if path.is_dir():
            return False
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        return True

    def _remove_stale_tmp(self) -> None:
        cutoff = time.time() - _STALE_TMP_SECONDS
        for tmp in self.root.glob(f"{_TMP_PREFIX}*"):
            with contextlib.suppress(FileNotFoundError):
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()


def _move_no_replace(source: Path, target: Path) -> bool:
    """Move ``source`` to ``target`` unless ``target`` exists; ``False`` when the name is taken."""
    try:
        os.link(source, target)
    except FileExistsError:
        return False
    except OSError as exc:
        # Shares and FAT-formatted scanner folders have no hard links: check, then rename.
        if exc.errno not in {errno.EPERM, errno.EXDEV, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}:
            raise
        if target.exists():
            return False
        shutil.move(source, target)
        return True
    source.unlink()
    return True


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sync_files(root: Path, paths: list[Path]) -> None:
    """Make the files and folders ``paths`` durable: one ``syncfs`` of the filesystem holding
    ``root`` where Linux offers it, else an fsync of each."""
    if _syncfs(root):
        return
    for path in paths:
        if path.is_dir():
            _fsync_dir(path)
        else:
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _syncfs(root: Path) -> bool:
    """``syncfs(2)`` on ``root``'s filesystem; ``False`` where the C library has none or it fails."""
    function = getattr(_libc(), "syncfs", None)
    if function is None:
        return False
    fd = os.open(root, os.O_RDONLY)
    try:
        return function(fd) == 0
    finally:
        os.close(fd)


@functools.cache
def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _fsync_dir(path: Path) -> None:
    """Make a rename or unlink in ``path`` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
