"""The attachment store: content-addressed, atomic, owner-only, and the inbox copy moved only after."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import time
from pathlib import Path

import pytest
from PIL import Image
from reportlab.pdfgen.canvas import Canvas

from counterdesk.documents.filestore import FileStore
from counterdesk.documents.inbox import inspect_file
from counterdesk.domain.errors import Conflict, InvalidInput, NotFound

MAX = 20 * 2**20


def pdf_bytes(text: str = "scan") -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def png_bytes(shade: int = 200) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (30, 20), shade).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    return folder


@pytest.fixture
def store(scans: Path) -> FileStore:
    return FileStore(scans / "store")


def drop(scans: Path, name: str, data: bytes) -> Path:
    path = scans / name
    path.write_bytes(data)
    return path


def blobs(store: FileStore) -> list[Path]:
    """Every file under the store, temporary ones included."""
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


def attach(store: FileStore, scans: Path, path: Path):
    """What the attach service does: check, store, then move the inbox copy away."""
    info = inspect_file(path, max_bytes=MAX, root=scans)
    blob = store.put(path, info=info)
    store.move_to_attached(path, scans / "attached", sha256=blob.sha256)
    return blob


def test_clerk_attaches_a_scan_and_the_store_holds_it_under_its_hash(store: FileStore, scans: Path) -> None:
    data = pdf_bytes()
    path = drop(scans, "户口簿.pdf", data)
    blob = attach(store, scans, path)
    digest = hashlib.sha256(data).hexdigest()
    assert (blob.sha256, blob.size, blob.pages, blob.media_type) == (digest, len(data), 1, "application/pdf")
    stored = store.path_of(digest)
    assert stored == scans / "store" / digest[:2] / digest
    assert stored.read_bytes() == data
    assert not path.exists()
    assert (scans / "attached" / "户口簿.pdf").read_bytes() == data


def test_stored_files_and_folders_are_readable_by_the_owner_only(store: FileStore, scans: Path) -> None:
    blob = attach(store, scans, drop(scans, "a.pdf", pdf_bytes()))
    stored = store.path_of(blob.sha256)
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700


def test_same_content_twice_is_stored_once(store: FileStore, scans: Path) -> None:
    data = pdf_bytes()
    first = attach(store, scans, drop(scans, "第一次.pdf", data))
    second = attach(store, scans, drop(scans, "第二次.pdf", data))
    info = inspect_file(drop(scans, "third.pdf", data), max_bytes=MAX)
    third = store.put(data, info=info)
    assert first == second == third
    assert blobs(store) == [store.path_of(first.sha256)]


def test_put_leaves_no_temporary_files_behind(store: FileStore, scans: Path) -> None:
    attach(store, scans, drop(scans, "a.pdf", pdf_bytes("a")))
    attach(store, scans, drop(scans, "b.png", png_bytes()))
    assert all(not p.name.startswith(".") for p in blobs(store))
    assert len(blobs(store)) == 2


def test_file_rewritten_after_the_check_is_refused_and_nothing_is_stored(store: FileStore, scans: Path) -> None:
    path = drop(scans, "scan.pdf", pdf_bytes("short"))
    info = inspect_file(path, max_bytes=MAX, root=scans)
    path.write_bytes(pdf_bytes("a much longer page written by the scanner afterwards"))
    with pytest.raises(Conflict) as caught:
        store.put(path, info=info)
    assert caught.value.code == "file_changed"
    assert blobs(store) == []
    assert path.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("文本.pdf", "不是扫描件".encode()),
        ("半截.pdf", pdf_bytes()[:300]),
        ("空.pdf", b""),
        ("图片.pdf", png_bytes()),
    ],
)
def test_hostile_files_are_refused_and_leave_nothing_in_the_store(
    store: FileStore, scans: Path, name: str, data: bytes
) -> None:
    path = drop(scans, name, data)
    with pytest.raises(InvalidInput):
        attach(store, scans, path)
    assert blobs(store) == []
    assert path.exists()
    assert not (scans / "attached").exists()


def test_symlink_out_of_the_inbox_is_refused_and_leaves_nothing_in_the_store(
    store: FileStore, scans: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(pdf_bytes())
    (scans / "link.pdf").symlink_to(outside)
    with pytest.raises(InvalidInput):
        attach(store, scans, scans / "link.pdf")
    assert blobs(store) == []
    assert outside.exists()


def test_attached_name_already_taken_gets_a_number_instead_of_overwriting(store: FileStore, scans: Path) -> None:
    attach(store, scans, drop(scans, "身份证.png", png_bytes(200)))
    attach(store, scans, drop(scans, "身份证.png", png_bytes(100)))
    attached = sorted(p.name for p in (scans / "attached").iterdir())
    assert attached == ["身份证 (1).png", "身份证.png"]
    assert (scans / "attached" / "身份证.png").read_bytes() == png_bytes(200)


def test_inbox_file_stays_put_when_the_store_does_not_hold_it_yet(store: FileStore, scans: Path) -> None:
    path = drop(scans, "scan.pdf", pdf_bytes())
    with pytest.raises(Conflict) as caught:
        store.move_to_attached(path, scans / "attached", sha256=hashlib.sha256(b"other").hexdigest())
    assert caught.value.code == "file_not_stored"
    assert path.exists()


def test_verify_notices_a_stored_file_that_changed_on_disk(store: FileStore, scans: Path) -> None:
    blob = attach(store, scans, drop(scans, "a.pdf", pdf_bytes()))
    assert store.verify(blob.sha256)
    stored = store.path_of(blob.sha256)
    stored.write_bytes(stored.read_bytes() + b"tampered")
    assert not store.verify(blob.sha256)


def test_missing_blob_is_not_found_and_does_not_verify(store: FileStore) -> None:
    digest = hashlib.sha256(b"never stored").hexdigest()
    assert not store.exists(digest)
    assert not store.verify(digest)
    with pytest.raises(NotFound) as caught:
        store.path_of(digest)
    assert caught.value.code == "file_missing"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "0" * 63, "G" * 64, ("a" * 64).upper()])
def test_only_a_lowercase_sha256_names_a_stored_file(store: FileStore, bad: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        store.path_of(bad)
    assert caught.value.code == "sha256"


def test_gc_dry_run_lists_unreferenced_files_and_deletes_nothing(store: FileStore, scans: Path) -> None:
    kept = attach(store, scans, drop(scans, "kept.pdf", pdf_bytes("kept")))
    orphan = attach(store, scans, drop(scans, "orphan.pdf", pdf_bytes("orphan")))
    assert store.gc({kept.sha256}) == [orphan.sha256]
    assert store.exists(orphan.sha256)


def test_gc_removes_only_unreferenced_files_and_stale_temporaries(store: FileStore, scans: Path) -> None:
    kept = attach(store, scans, drop(scans, "kept.pdf", pdf_bytes("kept")))
    orphan = attach(store, scans, drop(scans, "orphan.pdf", pdf_bytes("orphan")))
    stale = store.root / ".tmp-1-1"
    stale.write_bytes(b"half a file from a crash")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    fresh = store.root / ".tmp-2-2"
    fresh.write_bytes(b"being written right now")
    assert store.gc({kept.sha256}, dry_run=False) == [orphan.sha256]
    assert store.exists(kept.sha256) and not store.exists(orphan.sha256)
    assert not stale.exists() and fresh.exists()


def test_gc_of_a_store_never_written_finds_nothing(tmp_path: Path) -> None:
    assert FileStore(tmp_path / "nowhere").gc(set(), dry_run=False) == []
