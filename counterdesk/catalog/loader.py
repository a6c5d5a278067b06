"""Read a catalog folder: ``regions.toml`` and one TOML file per matter under ``matters/``.

Every file is checked in full before anything is refused, so ``counterdesk catalog check`` can
list all mistakes at once. A loaded catalog is kept per folder for the life of the process; it holds
each matter's list entry, and reads the full guide from the matter's file again when it is opened
(a file changed since then is refused, so the process never mixes two versions of a matter). Given
a cache folder, what parsing gave is kept there for the next process (``counterdesk.catalog.cache``).
"""

from __future__ import annotations

import functools
import os
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from counterdesk.catalog import cache, fasttoml
from counterdesk.catalog.cache import file_digest
from counterdesk.catalog.catalog import Catalog
from counterdesk.catalog.holidays import parse_calendar
from counterdesk.catalog.matters import parse_matter
from counterdesk.catalog.problems import CatalogError, Problem
from counterdesk.catalog.regions import Regions, parse_regions
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Matter, MatterEntry

if TYPE_CHECKING:
    from counterdesk.config import Settings

REGIONS_FILE = "regions.toml"
HOLIDAYS_FILE = "holidays.toml"


def shipped_data_dir() -> Path:
    """The ``data/`` folder shipped with the package (``counterdesk/_data``)."""
    return Path(str(files("counterdesk") / "_data")).resolve()


def load_catalog(directory: Path | str | None = None, *, cache_dir: Path | None = None) -> Catalog:
    """The catalog in ``directory`` (the shipped one when None); raises ``CatalogError``.

    With ``cache_dir`` (``Settings.cache_dir``) the parsed catalog is kept there and read back while
    no file of the catalog has changed (``counterdesk.catalog.cache``).
    """
    root = Path(directory).expanduser().resolve() if directory is not None else shipped_data_dir()
    return _load(root, None if cache_dir is None else Path(cache_dir))


def hall_catalog(settings: Settings) -> Catalog:
    """The catalog a home works with (``COUNTERDESK_CATALOG``, else the shipped one), kept parsed in its cache."""
    return load_catalog(settings.catalog_dir, cache_dir=settings.cache_dir)


def lookup_catalog(settings: Settings) -> Catalog:
    """The hall's catalog for a command that names a few matters (``status``, a receipt): it reads
    only the index the last whole load left in the cache and the files of the matters it is asked for.

    What it answers for a matter is what the whole catalog would: the index is used only while its
    folders list the same files and the shared files are unchanged, and each matter's file must
    still be the one the whole catalog was checked with (else the whole catalog is loaded). It does
    not notice a mistake since made in another matter's file, which the next whole load (and
    ``counterdesk catalog check``) reports.
    """
    root = Path(settings.catalog_dir).expanduser().resolve() if settings.catalog_dir else shipped_data_dir()
    return _lookup(root, settings.cache_dir)


def clear_cache() -> None:
    """Forget loaded catalogs, so the next ``load_catalog`` reads the files again."""
    _load.cache_clear()
    _lookup.cache_clear()


def _read_bytes(path: Path, label: str) -> tuple[dict | None, bytes, Problem | None]:
    """The parsed file and its digest, or the problem with it."""
    try:
        raw = path.read_bytes()
        return fasttoml.loads(raw.decode("utf-8")), file_digest(raw), None
    except UnicodeDecodeError:
        return None, b"", Problem(label, "", "文件不是 UTF-8 编码")
    except tomllib.TOMLDecodeError as error:
        return None, b"", Problem(label, "", f"TOML 语法错误：{error}")
    except OSError as error:
        return None, b"", Problem(label, "", f"无法读取文件：{error.strerror or error}")


class _GuideFiles:
    """Full matters read again from their files, as they were when the catalog was checked."""

    def __init__(self, places: frozenset[str], files: dict[str, tuple[str, bytes]]) -> None:
        self.places = places
        self.files = files
        """Matter code → (file, digest of the content that was checked)."""
        self.read = functools.lru_cache(maxsize=32)(self._read)

    def _read(self, code: str) -> Matter:
        path, digest = self.files[code]
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise InvalidInput(f"无法读取事项 {code} 的目录文件（{error.strerror or error}），请联系管理员。",
                               code="catalog_changed", field="matter") from None
        if file_digest(raw) != digest:
            raise InvalidInput(f"事项 {code} 的目录文件在本程序启动后被修改，请重新启动 counterdesk 以载入新目录。",
                               code="catalog_changed", field="matter")
        matter, _ = parse_matter(fasttoml.loads(raw.decode("utf-8")), path, self.places)
        if matter is None:  # the same bytes parsed at start-up
            raise RuntimeError(f"matter {code} no longer parses though its file is unchanged")
        return matter


def load_regions(directory: Path | str | None = None) -> Regions:
    """Only the divisions (``regions.toml`` of ``directory``, else the shipped one)."""
    root = Path(directory) if directory is not None else shipped_data_dir()
    regions, problems = parse_regions_file(_shared_path(root, REGIONS_FILE))
    if regions is None:
        raise CatalogError(problems)
    return regions


def parse_regions_file(path: Path, digests: dict[str, bytes] | None = None) -> tuple[Regions | None, list[Problem]]:
    """The divisions in ``path``, or every mistake in it; its digest goes into ``digests``."""
    return _parse_file(path, REGIONS_FILE, parse_regions, digests)


def _shared_path(root: Path, name: str) -> Path:
    """The catalog folder's own ``name``, else the shipped one."""
    path = root / name
    return path if path.is_file() else shipped_data_dir() / name


def _parse_file(path: Path, label: str, parse, digests: dict[str, bytes] | None):
    data, digest, problem = _read_bytes(path, label)
    if problem:
        return None, [problem]
    if digests is not None:
        digests[str(path)] = digest
    return parse(data, label)


def _matter_files(root: Path, folders: cache.Listing | None = None) -> list[Path]:
    """Every ``*.toml`` under ``matters/`` (or the whole folder, but for the shared files), in path order;
    the folders listed go into ``folders`` with their times, taken before each is read.

    One ``scandir`` walk, as ``Path.rglob`` goes (not into linked folders), at a third of its cost:
    a warm start lists 10,000 files to check them against the cache.
    """
    folder = root / "matters"
    whole = not folder.is_dir()
    found: list[tuple[tuple[str, ...], str]] = []

    def walk(directory: str, parts: tuple[str, ...]) -> None:
        try:
            if folders is not None:
                _note(folders, directory)
            with os.scandir(directory) as entries:
                listed = list(entries)
        except PermissionError:
            return
        for entry in listed:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                walk(entry.path, (*parts, entry.name))
            if entry.name.endswith(".toml") and not (whole and entry.name in (REGIONS_FILE, HOLIDAYS_FILE)):
                found.append(((*parts, entry.name), entry.path))

    if folders is not None and not whole:
        _note(folders, str(root))  # a regions.toml or holidays.toml of its own would appear here
    walk(str(root if whole else folder), ())
    found.sort()
    if folders is not None:
        folders.sort()
    return [Path(path) for _, path in found]


def _note(folders: cache.Listing, directory: str) -> None:
    stat = os.stat(directory)
    folders.append((directory, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev))


@functools.lru_cache(maxsize=8)
def _load(root: Path, cache_dir: Path | None) -> Catalog:
    if not root.is_dir():
        raise CatalogError([Problem(str(root), "", "事项目录文件夹不存在")])
    stamp = time.time_ns()
    shared = [_shared_path(root, REGIONS_FILE), _shared_path(root, HOLIDAYS_FILE)]
    folders: cache.Listing = []
    matters = _matter_files(root, folders)
    found = cache.snapshot(cache_dir, root, [*shared, *matters]) if cache_dir else None
    parsed = cache.read(found) if found is not None else None
    if parsed is None:
        parsed = _parse(root, shared[0], shared[1], matters)
        if found is not None:
            cache.write(found, parsed)
    if cache_dir is not None and cache.read_index(cache_dir, root) is None:
        cache.write_index(cache_dir, root, parsed, shared, folders, stamp)
    places = frozenset(p.code for city in parsed.regions.cities for p in city.places)
    guides = _GuideFiles(places, parsed.guides)
    return Catalog(root, parsed.regions.province, parsed.regions.cities, parsed.entries, guides.read, parsed.calendar)


def _parse(root: Path, regions_file: Path, holidays_file: Path, matter_files: list[Path]) -> cache.Parsed:
    """Read and check every file; raises ``CatalogError`` with every mistake found."""
    digests: dict[str, bytes] = {}
    regions, problems = parse_regions_file(regions_file, digests)
    calendar, calendar_problems = _parse_file(holidays_file, HOLIDAYS_FILE, parse_calendar, digests)
    problems.extend(calendar_problems)
    places = frozenset(p.code for city in regions.cities for p in city.places) if regions else frozenset()
    entries: dict[str, MatterEntry] = {}
    guides: dict[str, tuple[str, bytes]] = {}
    origin: dict[str, str] = {}
    for path in matter_files:
        label = path.relative_to(root).as_posix()
        data, digest, problem = _read_bytes(path, label)
        if problem:
            problems.append(problem)
            continue
        assert data is not None  # _read_bytes gives the data or the problem
        digests[str(path)] = digest
        matter, found = parse_matter(data, label, places)
        problems.extend(found)
        code = data.get("code")
        if isinstance(code, str) and code in origin:
            problems.append(Problem(label, "code", f"事项编码 {code} 与 {origin[code]} 重复"))
        elif isinstance(code, str):
            origin[code] = label
            if matter is not None:
                entries[code] = matter.entry
                guides[code] = (str(path), digest)
    if not origin and not problems:
        problems.append(Problem(str(root), "", "没有找到任何事项文件（matters/*.toml）"))
    if problems or regions is None or calendar is None:
        raise CatalogError(problems)
    return cache.Parsed(regions, calendar, {code: entries[code] for code in sorted(entries)}, guides, digests)


@functools.lru_cache(maxsize=8)
def _lookup(root: Path, cache_dir: Path) -> Catalog:
    index = cache.read_index(cache_dir, root)
    if index is None:
        return _load(root, cache_dir)

    def whole() -> Catalog:
        return _load(root, cache_dir)

    guides = _GuideFiles(frozenset(p.code for city in index.regions.cities for p in city.places), index.guides)

    def guide(code: str) -> Matter:
        try:
            return guides.read(code)
        except InvalidInput:  # the file changed or went since the index was written: check the whole again
            return whole().matter(code)

    return Catalog(root, index.regions.province, index.regions.cities, _OneByOne(index.guides, guide, whole), guide,
                   index.calendar)


class _OneByOne(Mapping[str, MatterEntry]):
    """List entries read from their own files one at a time (``lookup_catalog``).

    A matter's entry comes from its file as the index last saw it checked (its digest is compared);
    asked for every matter, or for a code the index does not know, it is the whole catalog's.
    """

    def __init__(self, files: dict[str, tuple[str, bytes]], guide: Callable[[str], Matter],
                 whole: Callable[[], Catalog]) -> None:
        self._files = files
        self._guide = guide
        self._whole = whole
        self._entries: dict[str, MatterEntry] = {}

    def __getitem__(self, code: str) -> MatterEntry:
        found = self._entries.get(code)
        if found is None:
            if code not in self._files:
                return self._whole().matters[code]
            found = self._entries[code] = self._guide(code).entry
        return found

    def __contains__(self, code: object) -> bool:
        return code in self._files or code in self._whole().matters

    def __iter__(self) -> Iterator[str]:
        return iter(self._whole().matters)

    def __len__(self) -> int:
        return len(self._whole().matters)
