"""Read a catalog folder: ``regions.toml`` and one TOML file per matter under ``matters/``.

Every file is checked in full before anything is refused, so ``counterdesk catalog check`` can
list all mistakes at once. A loaded catalog is kept per folder for the life of the process; it holds
each matter's list entry, and reads the full guide from the matter's file again when it is opened
(a file changed since then is refused, so the process never mixes two versions of a matter).
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from importlib.resources import files
from pathlib import Path

from counterdesk.catalog import fasttoml
from counterdesk.catalog.catalog import Catalog
from counterdesk.catalog.holidays import parse_calendar
from counterdesk.catalog.matters import parse_matter
from counterdesk.catalog.problems import CatalogError, Problem
from counterdesk.catalog.regions import Regions, parse_regions
from counterdesk.domain.errors import InvalidInput
from counterdesk.domain.matter import Matter, MatterEntry
from counterdesk.domain.workdays import WorkCalendar

REGIONS_FILE = "regions.toml"
HOLIDAYS_FILE = "holidays.toml"


def shipped_data_dir() -> Path:
    """The ``data/`` folder shipped with the package (``counterdesk/_data``)."""
    return Path(str(files("counterdesk") / "_data")).resolve()


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """The catalog in ``directory`` (the shipped one when None); raises ``CatalogError``."""
    root = Path(directory).expanduser().resolve() if directory is not None else shipped_data_dir()
    return _load(root)


def clear_cache() -> None:
    """Forget loaded catalogs, so the next ``load_catalog`` reads the files again."""
    _load.cache_clear()


def _read(path: Path, label: str) -> tuple[dict | None, Problem | None]:
    data, _, problem = _read_bytes(path, label)
    return data, problem


def _read_bytes(path: Path, label: str) -> tuple[dict | None, bytes, Problem | None]:
    """The parsed file and its digest, or the problem with it."""
    try:
        raw = path.read_bytes()
        return fasttoml.loads(raw.decode("utf-8")), _digest(raw), None
    except UnicodeDecodeError:
        return None, b"", Problem(label, "", "文件不是 UTF-8 编码")
    except tomllib.TOMLDecodeError as error:
        return None, b"", Problem(label, "", f"TOML 语法错误：{error}")
    except OSError as error:
        return None, b"", Problem(label, "", f"无法读取文件：{error.strerror or error}")


def _digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


class _GuideFiles:
    """Full matters read again from their files, as they were when the catalog was checked."""

    def __init__(self, places: frozenset[str]) -> None:
        self.places = places
        self.files: dict[str, tuple[str, bytes]] = {}
        """Matter code → (file, digest of the content that was checked)."""
        self.read = functools.lru_cache(maxsize=32)(self._read)

    def _read(self, code: str) -> Matter:
        path, digest = self.files[code]
        try:
            raw = Path(path).read_bytes()
        except OSError as error:
            raise InvalidInput(f"无法读取事项 {code} 的目录文件（{error.strerror or error}），请联系管理员。",
                               code="catalog_changed", field="matter") from None
        if _digest(raw) != digest:
            raise InvalidInput(f"事项 {code} 的目录文件在本程序启动后被修改，请重新启动 counterdesk 以载入新目录。",
                               code="catalog_changed", field="matter")
        matter, _ = parse_matter(fasttoml.loads(raw.decode("utf-8")), path, self.places)
        if matter is None:  # the same bytes parsed at start-up
            raise RuntimeError(f"matter {code} no longer parses though its file is unchanged")
        return matter


def load_regions(directory: Path | str | None = None) -> Regions:
    """Only the divisions (``regions.toml`` of ``directory``, else the shipped one)."""
    regions, problems = _regions(Path(directory) if directory is not None else shipped_data_dir())
    if regions is None:
        raise CatalogError(problems)
    return regions


def _regions(root: Path) -> tuple[Regions | None, list[Problem]]:
    return _shared_file(root, REGIONS_FILE, parse_regions)


def _calendar(root: Path) -> tuple[WorkCalendar | None, list[Problem]]:
    return _shared_file(root, HOLIDAYS_FILE, parse_calendar)


def _shared_file(root: Path, name: str, parse):
    """``parse`` of the catalog folder's own ``name``, else of the shipped one."""
    path = root / name
    if not path.is_file():
        path = shipped_data_dir() / name
    data, problem = _read(path, name)
    if problem:
        return None, [problem]
    return parse(data, name)


def _matter_files(root: Path) -> list[Path]:
    folder = root / "matters"
    if folder.is_dir():
        return sorted(folder.rglob("*.toml"))
    return sorted(path for path in root.rglob("*.toml") if path.name not in (REGIONS_FILE, HOLIDAYS_FILE))


@functools.lru_cache(maxsize=8)
def _load(root: Path) -> Catalog:
    if not root.is_dir():
        raise CatalogError([Problem(str(root), "", "事项目录文件夹不存在")])
    regions, problems = _regions(root)
    calendar, calendar_problems = _calendar(root)
    problems.extend(calendar_problems)
    places = frozenset(p.code for city in regions.cities for p in city.places) if regions else frozenset()
    entries: dict[str, MatterEntry] = {}
    guides = _GuideFiles(places)
    origin: dict[str, str] = {}
    for path in _matter_files(root):
        label = path.relative_to(root).as_posix()
        data, digest, problem = _read_bytes(path, label)
        if problem:
            problems.append(problem)
            continue
        assert data is not None  # _read_bytes gives the data or the problem
        matter, found = parse_matter(data, label, places)
        problems.extend(found)
        code = data.get("code")
        if isinstance(code, str) and code in origin:
            problems.append(Problem(label, "code", f"事项编码 {code} 与 {origin[code]} 重复"))
        elif isinstance(code, str):
            origin[code] = label
            if matter is not None:
                entries[code] = matter.entry
                guides.files[code] = (str(path), digest)
    if not origin and not problems:
        problems.append(Problem(str(root), "", "没有找到任何事项文件（matters/*.toml）"))
    if problems or regions is None or calendar is None:
        raise CatalogError(problems)
    return Catalog(root, regions.province, regions.cities, {code: entries[code] for code in sorted(entries)},
                   guides.read, calendar)
