"""The parsed catalog kept on disk, so that a big catalog is ready in a fraction of a second.

Parsing and checking 10,000 matter files takes seconds; what the catalog keeps of them (regions,
holidays, each matter's list entry and its file's digest) is plain data. It is written to one file
per catalog folder under the home's cache folder (``Settings.cache_dir``) and read back only when
it is certainly what parsing the files again would give:

- the file is whole: a magic header, then the key, then a digest of the body that must match
  (a truncated, damaged or foreign file is ignored, never decoded);
- the key matches: a digest of this code (the source of the modules that parse the catalog, the
  Python version) and of every catalog file's path, size, modification and change times, inode
  and device, so an edit, a new file, a removed file or new code gives another key;
- files that changed within ``RACY_NS`` before the cache was written (when a later edit could
  keep the same times on a file system with coarse timestamps) are read again and compared by
  content.

Otherwise the files are parsed and the cache is written again, to a temporary file renamed over
the old one (readers see the old file or the new one, never half of one); a cache that cannot be
written (read-only home, full disk) only means the next start parses again.

Next to it, an index for commands that name a few matters (``loader.lookup_catalog``): the regions,
the holidays and each matter's file and digest, written after a whole load once the catalog's
folders have been quiet for ``RACY_NS``. It is used while those folders have the same times (no
file added, removed or renamed) and the shared files the same content; each matter asked for is
read from its own file, whose digest must be the one recorded.

The body is ``marshal`` of plain values (strings, numbers, bytes, tuples, frozensets). Loading it
never runs code, unlike pickle, and what it gives is only passed to the catalog's own constructors.
The file lives in the user's own home (owner-only folder and file), next to the database it could
as well rewrite; the digest check keeps bytes damaged on disk from ever reaching ``marshal``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import marshal
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from counterdesk.catalog.regions import Regions
from counterdesk.domain.matter import City, MatterEntry, Region
from counterdesk.domain.workdays import WorkCalendar

FORMAT = 1
"""Bumped by hand only if the layout below changes without any source change (never so far)."""
MAGIC = b"CDCATLG\n"
INDEX_MAGIC = b"CDCATIX\n"
RACY_NS = 3 * 10**9
"""Files changed this close before the cache was written are checked by content when it is read
(FAT keeps times to 2 s; other file systems tick at least every few milliseconds)."""
_DIGEST_SIZE = 32
_HEADER = len(MAGIC) + 2 * _DIGEST_SIZE
_ENTRY_FIELDS = tuple(field.name for field in dataclasses.fields(MatterEntry))
_CODE_MODULES = ("counterdesk.catalog.cache", "counterdesk.catalog.loader", "counterdesk.catalog.matters",
                 "counterdesk.catalog.regions", "counterdesk.catalog.holidays", "counterdesk.catalog.fasttoml",
                 "counterdesk.domain.matter", "counterdesk.domain.workdays")


@dataclass(frozen=True)
class Parsed:
    """What a catalog folder's files parse to, and all a ``Catalog`` is built from."""

    regions: Regions
    calendar: WorkCalendar
    entries: dict[str, MatterEntry]
    """List entries by matter code, in code order."""
    guides: dict[str, tuple[str, bytes]]
    """Matter code → (its file, the digest of the content that was checked)."""
    digests: dict[str, bytes]
    """Every file read → the digest of its content (read from the cache: the shared files' only)."""


@dataclass(frozen=True)
class Snapshot:
    """The catalog's files as they are now, and where their cache lives."""

    path: Path
    """The cache file."""
    key: bytes
    recent: tuple[str, ...]
    """Files changed within ``RACY_NS`` of now."""


def snapshot(cache_dir: Path, root: Path, files: list[Path]) -> Snapshot | None:
    """The files' key, or None when one of them cannot be read (parsing will say why)."""
    stamp = time.time_ns()
    stats = []
    recent = []
    try:
        for path in files:
            found = os.stat(path)
            stats.append((str(path), found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino,
                          found.st_dev))
            if max(found.st_mtime_ns, found.st_ctime_ns) >= stamp - RACY_NS:
                recent.append(str(path))
    except OSError:
        return None
    key = hashlib.blake2b(marshal.dumps((FORMAT, _code_digest(), str(root), tuple(stats))),
                          digest_size=_DIGEST_SIZE).digest()
    return Snapshot(cache_dir / f"catalog-{_root_name(root)}.bin", key, tuple(recent))


def read(found: Snapshot) -> Parsed | None:
    """The cached catalog for these files, or None when there is none that can be trusted."""
    body = _unframe(found.path, MAGIC, found.key)
    if body is None:
        return None
    try:
        parsed, racy = _unpack(marshal.loads(body))
    except Exception:  # noqa: BLE001 - anything odd in a cache means "parse the files"
        return None
    if not all(_same_content(path, digest) for path, digest in racy):
        return None
    return parsed


def write(found: Snapshot, parsed: Parsed) -> None:
    """Keep ``parsed`` for the next start; any failure to write leaves things as they were."""
    racy = tuple((path, parsed.digests[path]) for path in found.recent if path in parsed.digests)
    _replace(found.path, MAGIC, found.key, marshal.dumps(_pack(parsed, racy)))


@dataclass(frozen=True)
class Index:
    """What ``counterdesk.catalog.loader.lookup_catalog`` needs to name matters one at a time."""

    regions: Regions
    calendar: WorkCalendar
    guides: dict[str, tuple[str, bytes]]
    """Matter code → (its file, the digest of the content the catalog was checked with)."""


Listing = list[tuple[str, int, int, int, int]]
"""The folders a catalog's files were listed from: path, modification and change times, inode, device."""


def write_index(cache_dir: Path, root: Path, parsed: Parsed, shared: list[Path], folders: Listing,
                stamp: int) -> None:
    """Keep the index of a catalog that was checked whole, unless a folder changed too lately to be sure
    that its times show every later change (then the next whole load writes it)."""
    if any(max(mtime, ctime) >= stamp - RACY_NS for _, mtime, ctime, _, _ in folders):
        return
    province, cities, calendar, _, guides, _, _ = _pack(parsed, ())
    files = tuple((str(path), parsed.digests[str(path)]) for path in shared)
    _replace(_index_path(cache_dir, root), INDEX_MAGIC, _index_key(root),
             marshal.dumps((province, cities, calendar, files, tuple(folders), guides)))


def read_index(cache_dir: Path, root: Path) -> Index | None:
    """The index, while its folders are as they were when it was written (no file added, removed or
    renamed) and the shared files are unchanged."""
    body = _unframe(_index_path(cache_dir, root), INDEX_MAGIC, _index_key(root))
    if body is None:
        return None
    try:
        province, cities, calendar, files, listed, guides = marshal.loads(body)
        parsed, _ = _unpack((province, cities, calendar, (), (), (), ()))
        known = {code: (path, digest) for code, path, digest in guides}
        for path, mtime, ctime, inode, device in listed:
            now = os.stat(path)
            if (now.st_mtime_ns, now.st_ctime_ns, now.st_ino, now.st_dev) != (mtime, ctime, inode, device):
                return None
    except Exception:  # noqa: BLE001 - anything odd in a cache, or a folder gone, means "load the whole catalog"
        return None
    if not all(_same_content(path, digest) for path, digest in files):
        return None
    return Index(parsed.regions, parsed.calendar, known)


def _index_path(cache_dir: Path, root: Path) -> Path:
    return cache_dir / f"catalog-{_root_name(root)}.index.bin"


def _index_key(root: Path) -> bytes:
    return hashlib.blake2b(marshal.dumps((FORMAT, _code_digest(), str(root))), digest_size=_DIGEST_SIZE).digest()


def _root_name(root: Path) -> str:
    return hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()


def _same_content(path: str, digest: bytes) -> bool:
    try:
        return file_digest(Path(path).read_bytes()) == digest
    except OSError:
        return False


def _unframe(path: Path, magic: bytes, key: bytes) -> memoryview | None:
    """The body of a cache file with this magic and key whose digest matches, else None."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < _HEADER or data[:len(magic)] != magic or data[len(magic):len(magic) + _DIGEST_SIZE] != key:
        return None
    body = memoryview(data)[_HEADER:]
    if hashlib.blake2b(body, digest_size=_DIGEST_SIZE).digest() != data[_HEADER - _DIGEST_SIZE:_HEADER]:
        return None
    return body


def _replace(path: Path, magic: bytes, key: bytes, body: bytes) -> None:
    """Write a cache file through a temporary file and a rename; a failure leaves the old one (or none)."""
    digest = hashlib.blake2b(body, digest_size=_DIGEST_SIZE).digest()
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(magic + key + digest)
            out.write(body)
        os.replace(tmp, path)
        tmp = None
    except OSError:
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def file_digest(raw: bytes) -> bytes:
    """The digest a catalog file's content is known by."""
    return hashlib.blake2b(raw, digest_size=16).digest()


_code: list[bytes] = []


def _code_digest() -> bytes:
    """A digest of the code that shapes the cached data (read once per process)."""
    if not _code:
        digest = hashlib.blake2b(repr((sys.version_info[:2], marshal.version)).encode(), digest_size=_DIGEST_SIZE)
        for name in _CODE_MODULES:
            source = getattr(sys.modules.get(name), "__file__", None)
            digest.update(Path(source).read_bytes() if source else name.encode())
        _code.append(digest.digest())
    return _code[0]


def _region(place: Region) -> tuple:
    return (place.code, place.name, place.pinyin, place.initials, place.level)


def _pack(parsed: Parsed, racy: tuple[tuple[str, bytes], ...]) -> tuple:
    regions, calendar = parsed.regions, parsed.calendar
    cities = tuple((city.code, city.name, city.pinyin, city.initials, tuple(_region(p) for p in city.counties),
                    tuple(_region(p) for p in city.areas)) for city in regions.cities)
    days = (tuple(sorted(day.toordinal() for day in calendar.holidays)),
            tuple(sorted(day.toordinal() for day in calendar.working_weekends)), tuple(sorted(calendar.years)))
    entries = tuple(tuple(getattr(entry, name) for name in _ENTRY_FIELDS) for entry in parsed.entries.values())
    guides = tuple((code, path, digest) for code, (path, digest) in parsed.guides.items())
    matter_files = {path for path, _ in parsed.guides.values()}
    shared = tuple((path, digest) for path, digest in parsed.digests.items() if path not in matter_files)
    return (_region(regions.province), cities, days, entries, guides, racy, shared)


def _unpack(packed: tuple) -> tuple[Parsed, tuple[tuple[str, bytes], ...]]:
    """A parsed catalog (with the digests of its shared files only) and the files to compare by content."""
    province, cities, (holidays, working, years), entries, guides, racy, shared = packed
    regions = Regions(Region(*province), tuple(
        City(code, name, pinyin, initials, tuple(Region(*p) for p in counties), tuple(Region(*p) for p in areas))
        for code, name, pinyin, initials, counties, areas in cities))
    calendar = WorkCalendar(frozenset(map(date.fromordinal, holidays)), frozenset(map(date.fromordinal, working)),
                            frozenset(years))
    listed = {fields[0]: MatterEntry(*fields) for fields in entries}
    files = {code: (path, digest) for code, path, digest in guides}
    if listed.keys() != files.keys():
        raise ValueError("entries and guide files disagree")
    return (Parsed(regions, calendar, listed, files, {path: digest for path, digest in shared}),
            tuple((path, digest) for path, digest in racy))
