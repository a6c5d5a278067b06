"""The parsed catalog kept in the home's cache: read back only while it is what parsing would give,
rebuilt when a file, the code or the cache itself changed, and never a reason to fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from counterdesk.catalog import CatalogError, cache, clear_cache, load_catalog, loader, lookup_catalog
from counterdesk.config import Settings
from tests.unit.test_catalog_loader import VALID, write


def second(text: str = VALID) -> str:
    return text.replace("GR-TEST-001", "GR-TEST-002").replace("测试事项", "第二个事项")


def catalog_folder(root: Path) -> Path:
    folder = root / "catalog"
    write(folder, VALID)
    write(folder, second(), "two.toml")
    (folder / "holidays.toml").write_text('[[years]]\nyear = 2026\nholidays = [["2026-10-01", "2026-10-07"]]\n'
                                          'working_weekends = ["2026-10-10"]\n', encoding="utf-8")
    return folder


def parsed_and_snapshot(folder: Path, cache_dir: Path) -> tuple[cache.Parsed, cache.Snapshot]:
    """What the loader parses of ``folder`` and the snapshot it keys the cache by, as ``load_catalog`` makes them."""
    shared = [loader._shared_path(folder, name) for name in (loader.REGIONS_FILE, loader.HOLIDAYS_FILE)]
    matters = loader._matter_files(folder)
    found = cache.snapshot(cache_dir, folder, [*shared, *matters])
    assert found is not None
    return loader._parse(folder, *shared, matters), found


def load(folder: Path, cache_dir: Path | None):
    clear_cache()
    return load_catalog(folder, cache_dir=cache_dir)


def cache_file(cache_dir: Path) -> Path:
    [found] = [path for path in cache_dir.glob("catalog-*.bin") if not path.name.endswith(".index.bin")]
    return found


def same(first, other) -> None:
    assert other.matters == first.matters and list(other.matters) == list(first.matters)
    assert other.province == first.province and other.cities == first.cities
    assert other.calendar == first.calendar
    assert other.matter("GR-TEST-001") == first.matter("GR-TEST-001")


class Parses:
    """Counts the matter files parsed."""

    def __init__(self, monkeypatch) -> None:
        self.count = 0
        real = loader.parse_matter

        def counted(*args, **kwargs):
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(loader, "parse_matter", counted)


@pytest.fixture
def parses(monkeypatch) -> Parses:
    return Parses(monkeypatch)


def test_a_warm_start_reads_the_cache_instead_of_the_files(tmp_path, parses) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    cold = load(folder, cache_dir)
    assert parses.count == 2
    warm = load(folder, cache_dir)
    assert parses.count == 2  # no file parsed again
    same(cold, warm)
    assert cache_file(cache_dir).stat().st_mode & 0o777 == 0o600
    assert cache_dir.stat().st_mode & 0o777 == 0o700


def test_without_a_cache_folder_nothing_is_written(tmp_path, parses) -> None:
    folder = catalog_folder(tmp_path)
    clear_cache()
    load_catalog(folder)
    load(folder, None)
    assert parses.count == 4 and not list(tmp_path.rglob("catalog-*.bin"))


def test_home_settings_name_the_cache_folder(tmp_path) -> None:
    settings = Settings(home=tmp_path, db_url="sqlite://", scans_dir=tmp_path / "scans")
    assert settings.cache_dir == tmp_path / "data" / "cache"


@pytest.mark.parametrize("change", ["edit", "same-size edit", "add", "remove", "holidays", "regions"])
def test_a_changed_catalog_file_is_read_again(tmp_path, parses, change) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    load(folder, cache_dir)
    path = folder / "matters" / "test.toml"
    if change == "edit":
        path.write_text(VALID.replace("测试事项", "改过的测试事项"), encoding="utf-8")
    elif change == "same-size edit":
        stat = path.stat()
        path.write_text(VALID.replace("测试事项", "测验事项"), encoding="utf-8")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_size == stat.st_size
    elif change == "add":
        write(folder, second().replace("GR-TEST-002", "GR-TEST-003"), "three.toml")
    elif change == "remove":
        (folder / "matters" / "two.toml").unlink()
    elif change == "holidays":
        (folder / "holidays.toml").write_text("[[years]]\nyear = 2027\n", encoding="utf-8")
    else:
        from counterdesk.catalog import shipped_data_dir

        (folder / "regions.toml").write_bytes((shipped_data_dir() / "regions.toml").read_bytes())
    parses.count = 0
    fresh = load(folder, cache_dir)
    assert parses.count >= 1
    expected = {"edit": "改过的测试事项", "same-size edit": "测验事项"}.get(change, "测试事项")
    assert fresh.matters["GR-TEST-001"].name == expected
    assert ("GR-TEST-003" in fresh.matters) == (change == "add")
    assert ("GR-TEST-002" in fresh.matters) == (change != "remove")
    assert fresh.calendar.years == (frozenset({2027}) if change == "holidays" else frozenset({2026}))
    assert load(folder, cache_dir).matters == fresh.matters  # and the new cache is good


def test_a_file_changed_within_its_timestamps_tick_is_caught_by_content(tmp_path) -> None:
    """On a coarse file system an edit may keep every time stamp: files that changed just before the
    cache was written are compared by content when it is read."""
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    parsed, found = parsed_and_snapshot(folder, cache_dir)
    assert str(folder / "matters" / "two.toml") in found.recent
    cache.write(found, parsed)
    assert cache.read(found) is not None
    (folder / "matters" / "two.toml").write_text(second().replace("第二个事项", "第二个事件"), encoding="utf-8")
    assert cache.read(found) is None  # the old snapshot's key, as if the times had not moved


def test_a_file_long_unchanged_is_not_read_to_trust_the_cache(tmp_path, monkeypatch) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    monkeypatch.setattr(cache, "RACY_NS", -10**12)  # as if every file were days old
    load(folder, cache_dir)
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: pytest.fail(f"read {path}")
                        if path.parent.name == "matters" else real(path))
    assert load(folder, cache_dir).matters["GR-TEST-002"].name == "第二个事项"


def test_new_code_does_not_trust_an_old_cache(tmp_path, parses, monkeypatch) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    load(folder, cache_dir)
    monkeypatch.setattr(cache, "_code", [b"another version of the parser".ljust(32)])
    parses.count = 0
    load(folder, cache_dir)
    assert parses.count == 2


def test_a_catalog_with_mistakes_is_refused_every_time_and_never_cached(tmp_path) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    write(folder, VALID.replace('audience = "personal"', 'audience = "nobody"'), "bad.toml")
    for _ in range(2):
        with pytest.raises(CatalogError):
            load(folder, cache_dir)
    assert not list(cache_dir.glob("catalog-*.bin"))


@pytest.mark.parametrize("damage", ["empty", "truncated header", "truncated body", "garbage", "other magic",
                                    "last byte", "appended", "directory"])
def test_a_damaged_cache_file_is_ignored_and_written_again(tmp_path, parses, damage) -> None:
    folder, cache_dir = catalog_folder(tmp_path), tmp_path / "cache"
    cold = load(folder, cache_dir)
    path = cache_file(cache_dir)
    data = path.read_bytes()
    if damage == "directory":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes({
            "empty": b"",
            "truncated header": data[:20],
            "truncated body": data[:len(data) // 2],
            "garbage": os.urandom(len(data)),
            "other magic": b"X" + data[1:],
            "last byte": data[:-1] + bytes([data[-1] ^ 0x01]),
            "appended": data + b"\x00",
        }[damage])
    parses.count = 0
    again = load(folder, cache_dir)
    assert parses.count == 2
    same(cold, again)
    parses.count = 0
    load(folder, cache_dir)
    assert parses.count == (2 if damage == "directory" else 0)  # written again, unless a folder is in the way


@settings(max_examples=150, deadline=None)
@given(flips=st.dictionaries(st.floats(0, 1, exclude_max=True), st.integers(1, 255), min_size=1, max_size=4),
       cut=st.one_of(st.none(), st.floats(0, 1, exclude_max=True)))
def test_any_flipped_bytes_or_cut_in_the_cache_are_detected(tmp_path_factory, flips, cut) -> None:
    found, good = _good_cache(tmp_path_factory)
    data = bytearray(good)
    for where, mask in flips.items():
        data[int(where * len(data))] ^= mask
    if cut is not None:
        data = data[:int(cut * len(data))]
    assume(bytes(data) != good)  # two flips of one byte may undo each other
    found.path.write_bytes(bytes(data))
    assert cache.read(found) is None
    found.path.write_bytes(good)
    assert cache.read(found) is not None


_good: list[tuple[cache.Snapshot, bytes]] = []


def _good_cache(tmp_path_factory) -> tuple[cache.Snapshot, bytes]:
    """One catalog and its good cache for all the examples."""
    if not _good:
        folder = catalog_folder(tmp_path_factory.mktemp("flips"))
        parsed, found = parsed_and_snapshot(folder, folder / "cache")
        cache.write(found, parsed)
        _good.append((found, found.path.read_bytes()))
    return _good[0]


def test_a_cache_that_cannot_be_written_only_means_parsing_next_time(tmp_path, parses, monkeypatch) -> None:
    folder = catalog_folder(tmp_path)
    (tmp_path / "blocked").write_text("a file where the cache folder would be")
    first = load(folder, tmp_path / "blocked" / "cache")
    assert first.matters["GR-TEST-001"].name == "测试事项"

    cache_dir = tmp_path / "cache"
    good = load(folder, cache_dir)
    before = cache_file(cache_dir).read_bytes()
    (folder / "matters" / "test.toml").write_text(VALID.replace("测试事项", "又改了"), encoding="utf-8")

    def refused(*args, **kwargs):
        raise PermissionError(30, "Read-only file system")

    with monkeypatch.context() as patched:
        patched.setattr(cache.os, "replace", refused)
        again = load(folder, cache_dir)
    assert again.matters["GR-TEST-001"].name == "又改了" and good.matters["GR-TEST-001"].name == "测试事项"
    assert cache_file(cache_dir).read_bytes() == before  # the old cache is whole, and not trusted
    assert [path.name for path in cache_dir.iterdir()] == [cache_file(cache_dir).name]  # no temporary left
    parses.count = 0
    assert load(folder, cache_dir).matters["GR-TEST-001"].name == "又改了" and parses.count == 2


def test_the_shipped_catalog_loads_warm_with_the_same_content(tmp_path) -> None:
    clear_cache()
    plain = load_catalog()
    load_catalog(cache_dir=tmp_path)
    clear_cache()
    warm = load_catalog(cache_dir=tmp_path)
    assert warm.matters == plain.matters and warm.cities == plain.cities and warm.calendar == plain.calendar
    code = next(iter(plain.matters))
    assert warm.matter(code) == plain.matter(code)


# -- a few matters at a time (lookup_catalog) ------------------------------------------------------


@pytest.fixture
def hall(tmp_path, monkeypatch) -> Settings:
    """A home whose catalog was loaded whole once, with files and folders as if written long ago."""
    monkeypatch.setattr(cache, "RACY_NS", -10**12)
    settings = Settings(home=tmp_path, db_url="sqlite://", scans_dir=tmp_path / "scans",
                        catalog_dir=catalog_folder(tmp_path))
    load(settings.catalog_dir, settings.cache_dir)
    clear_cache()
    return settings


def test_a_lookup_reads_the_index_and_the_one_matter_asked_for(hall, parses, monkeypatch) -> None:
    monkeypatch.setattr(cache, "read", lambda found: pytest.fail("read the whole cache"))
    parses.count = 0
    catalog = lookup_catalog(hall)
    entry = catalog.matters.get("GR-TEST-002")
    assert entry is not None and entry.name == "第二个事项" and entry.time_limit_days == 5
    assert catalog.matter("GR-TEST-002").process == ("受理", "办结")
    assert catalog.county("430626").name == "平江县" and catalog.place_name("430626") == "岳阳市平江县"
    assert 2026 in catalog.calendar.years
    assert "GR-TEST-002" in catalog.matters and parses.count == 1


@pytest.mark.parametrize("change", ["edit", "add", "remove", "holidays", "damaged index", "unknown code", "every"])
def test_a_lookup_that_cannot_be_sure_answers_from_the_whole_catalog(hall, change) -> None:
    folder = hall.catalog_dir
    assert folder is not None
    asked = "GR-TEST-001"
    if change == "edit":
        write(folder, VALID.replace("测试事项", "改名的事项"))
    elif change == "add":
        write(folder, second().replace("GR-TEST-002", "GR-TEST-003"), "three.toml")
        asked = "GR-TEST-003"
    elif change == "remove":
        (folder / "matters" / "two.toml").unlink()
    elif change == "holidays":
        (folder / "holidays.toml").write_text("[[years]]\nyear = 2027\n", encoding="utf-8")
    elif change == "damaged index":
        [index] = hall.cache_dir.glob("*.index.bin")
        index.write_bytes(index.read_bytes()[:-1])
    elif change == "unknown code":
        asked = "GR-NONE-001"
    catalog = lookup_catalog(hall)
    if change == "every":
        assert list(catalog.matters) == ["GR-TEST-001", "GR-TEST-002"] and len(catalog.matters) == 2
        return
    expected = {"edit": "改名的事项", "add": "第二个事项"}.get(change, "测试事项")
    assert catalog.matters.get(asked) is None if change == "unknown code" else catalog.matters[asked].name == expected
    assert ("GR-TEST-002" in catalog.matters) == (change != "remove")
    assert catalog.calendar.years == (frozenset({2027}) if change == "holidays" else frozenset({2026}))


def test_an_index_is_not_written_while_a_folder_may_still_change_unseen(tmp_path) -> None:
    settings = Settings(home=tmp_path, db_url="sqlite://", scans_dir=tmp_path / "scans",
                        catalog_dir=catalog_folder(tmp_path))
    load(settings.catalog_dir, settings.cache_dir)  # just written: its folder's times are too fresh to trust
    assert not list(settings.cache_dir.glob("*.index.bin"))
    clear_cache()
    assert lookup_catalog(settings).matters["GR-TEST-001"].name == "测试事项"
