"""The scanner inbox: what a scanner drops is judged by its bytes, and hostile files are refused."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import NameObject
from reportlab.pdfgen.canvas import Canvas

from counterdesk.documents.inbox import (
    JPEG,
    PDF,
    PNG,
    TIFF,
    inspect_bytes,
    inspect_file,
    list_inbox,
    sniff_media_type,
)
from counterdesk.domain.errors import InvalidInput, NotFound

MAX = 20 * 2**20


def pdf_bytes(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    for n in range(pages):
        canvas.drawString(72, 720, f"page {n + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def image_bytes(fmt: str, size: tuple[int, int] = (60, 40), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white").save(buffer, fmt)
    return buffer.getvalue()


def tiff_bytes(frames: int) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("1", (80, 100), 1) for _ in range(frames)]
    images[0].save(buffer, "TIFF", save_all=True, append_images=images[1:], compression="group4")
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt("secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def looping_pdf() -> bytes:
    """A page tree whose /Kids contains the tree itself."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    pages_ref = writer._root_object.raw_get("/Pages")
    writer._root_object["/Pages"][NameObject("/Kids")].append(pages_ref)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A few hundred bytes of PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def drop(folder: Path, name: str, data: bytes, *, age: float = 60) -> Path:
    """Put a file in the inbox as a scanner would, finished ``age`` seconds ago."""
    path = folder / name
    path.write_bytes(data)
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def refusal(path: Path, *, root: Path | None = None, max_bytes: int = MAX) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        inspect_file(path, max_bytes=max_bytes, root=root)
    assert caught.value.field == "file"
    return caught.value


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    return folder


def test_scanned_pdf_with_chinese_name_is_accepted_with_its_page_count(inbox: Path) -> None:
    info = inspect_file(drop(inbox, "户口簿 首页.pdf", pdf_bytes(3)), max_bytes=MAX, root=inbox)
    assert (info.name, info.pages, info.media_type) == ("户口簿 首页.pdf", 3, PDF)
    assert info.size == (inbox / "户口簿 首页.pdf").stat().st_size


@pytest.mark.parametrize(
    ("name", "data", "media_type", "pages"),
    [
        ("身份证正面.jpg", image_bytes("JPEG"), JPEG, 1),
        ("存折.png", image_bytes("PNG", mode="RGBA"), PNG, 1),
        ("户口簿.tif", tiff_bytes(3), TIFF, 3),
        ("SCAN0001", image_bytes("PNG"), PNG, 1),
    ],
)
def test_images_are_recognised_by_content_and_tiff_pages_counted(
    inbox: Path, name: str, data: bytes, media_type: str, pages: int
) -> None:
    info = inspect_file(drop(inbox, name, data), max_bytes=MAX, root=inbox)
    assert (info.media_type, info.pages) == (media_type, pages)


def test_text_file_named_pdf_is_refused_as_not_a_scan(inbox: Path) -> None:
    error = refusal(drop(inbox, "申请表.pdf", "这不是扫描件".encode()))
    assert error.code == "file_type"
    assert "申请表.pdf" in error.message


def test_png_named_pdf_is_refused_as_not_what_it_claims(inbox: Path) -> None:
    error = refusal(drop(inbox, "scan.pdf", image_bytes("PNG")))
    assert error.code == "file_type"
    assert "PNG" in error.message


def test_encrypted_pdf_is_refused(inbox: Path) -> None:
    assert refusal(drop(inbox, "加密.pdf", encrypted_pdf())).code == "pdf_encrypted"


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_pdf_is_refused_as_damaged(inbox: Path, cut: float) -> None:
    data = pdf_bytes(2)
    assert refusal(drop(inbox, "半截.pdf", data[: int(len(data) * cut)])).code == "pdf_damaged"


def test_pdf_whose_page_tree_loops_is_refused_as_damaged(inbox: Path) -> None:
    assert refusal(drop(inbox, "loop.pdf", looping_pdf())).code == "pdf_damaged"


def test_png_claiming_gigapixels_in_a_few_bytes_is_refused_before_decoding(inbox: Path) -> None:
    path = drop(inbox, "bomb.png", png_claiming(60_000, 60_000))
    assert path.stat().st_size < 200
    assert refusal(path).code == "image_too_large"


def test_png_just_over_the_pixel_cap_is_refused_with_its_dimensions(inbox: Path) -> None:
    error = refusal(drop(inbox, "big.png", png_claiming(9_000, 9_000)))
    assert error.code == "image_too_large"
    assert "9000×9000" in error.message


def test_png_pillow_itself_warns_about_is_refused_too(inbox: Path) -> None:
    assert refusal(drop(inbox, "bigger.png", png_claiming(10_000, 9_500))).code == "image_too_large"


def test_truncated_jpeg_is_refused_as_damaged(inbox: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG")
    data = buffer.getvalue()
    assert refusal(drop(inbox, "半张.jpg", data[: len(data) // 2])).code == "image_damaged"


def test_empty_file_is_refused(inbox: Path) -> None:
    assert refusal(drop(inbox, "空.pdf", b"")).code == "file_empty"


def test_file_over_the_size_limit_is_refused_with_both_sizes(inbox: Path) -> None:
    error = refusal(drop(inbox, "大.pdf", pdf_bytes()), max_bytes=100)
    assert error.code == "file_too_large"
    assert "KB" in error.message


def test_symlink_out_of_the_inbox_is_refused(inbox: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(pdf_bytes())
    link = inbox / "link.pdf"
    link.symlink_to(secret)
    assert refusal(link, root=inbox).code == "file_link"


def test_dot_dot_path_leaving_the_inbox_is_refused(inbox: Path, tmp_path: Path) -> None:
    (tmp_path / "outside.pdf").write_bytes(pdf_bytes())
    assert refusal(inbox / ".." / "outside.pdf", root=inbox).code == "file_outside"


def test_file_reached_through_a_linked_folder_is_refused(inbox: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.pdf").write_bytes(pdf_bytes())
    (inbox / "folder").symlink_to(elsewhere, target_is_directory=True)
    assert refusal(inbox / "folder" / "a.pdf", root=inbox).code == "file_outside"


def test_fifo_in_the_inbox_is_refused_without_blocking(inbox: Path) -> None:
    fifo = inbox / "pipe.pdf"
    os.mkfifo(fifo)
    assert refusal(fifo, root=inbox).code == "file_type"


def test_file_that_vanished_is_reported_as_missing(inbox: Path) -> None:
    with pytest.raises(NotFound) as caught:
        inspect_file(inbox / "gone.pdf", max_bytes=MAX, root=inbox)
    assert caught.value.code == "file_missing"


def test_inbox_lists_newest_first_with_refused_files_and_their_reasons(inbox: Path) -> None:
    drop(inbox, "旧的.pdf", pdf_bytes(), age=300)
    drop(inbox, "新的.png", image_bytes("PNG"), age=10)
    drop(inbox, "坏的.pdf", b"not a pdf at all", age=100)
    entries = list_inbox(inbox, MAX)
    assert [e.name for e in entries] == ["新的.png", "坏的.pdf", "旧的.pdf"]
    bad = entries[1]
    assert not bad.accepted and bad.refusal_code == "file_type" and "坏的.pdf" in bad.refusal
    assert entries[0].accepted and entries[0].info.media_type == PNG


def test_inbox_skips_store_attached_hidden_partial_and_still_being_written_files(inbox: Path) -> None:
    for folder in ("store", "attached"):
        (inbox / folder).mkdir()
        drop(inbox / folder, "inside.pdf", pdf_bytes())
    drop(inbox, ".hidden.pdf", pdf_bytes())
    drop(inbox, "scan.pdf.part", pdf_bytes())
    drop(inbox, "scan.tmp", pdf_bytes())
    drop(inbox, "README.md", b"# inbox")
    drop(inbox, "writing.pdf", pdf_bytes(), age=0)
    drop(inbox, "done.pdf", pdf_bytes())
    assert [e.name for e in list_inbox(inbox, MAX)] == ["done.pdf"]


def test_inbox_lists_a_symlink_as_refused_instead_of_following_it(inbox: Path, tmp_path: Path) -> None:
    target = tmp_path / "outside.pdf"
    target.write_bytes(pdf_bytes())
    (inbox / "link.pdf").symlink_to(target)
    [entry] = list_inbox(inbox, MAX, settle_seconds=0)
    assert entry.refusal_code == "file_link"


def test_missing_inbox_folder_lists_nothing(tmp_path: Path) -> None:
    assert list_inbox(tmp_path / "no-such-folder", MAX) == []


def test_rewritten_file_is_checked_again_not_served_from_the_cache(inbox: Path) -> None:
    path = drop(inbox, "scan.pdf", pdf_bytes(1), age=100)
    assert list_inbox(inbox, MAX)[0].info.pages == 1
    drop(inbox, "scan.pdf", pdf_bytes(4), age=50)
    assert list_inbox(inbox, MAX)[0].info.pages == 4
    assert path.exists()


@pytest.mark.parametrize(
    ("head", "expected"),
    [(b"%PDF-1.7", PDF), (b"\xff\xd8\xff\xe0", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"II*\x00", TIFF),
     (b"MM\x00*", TIFF), (b"GIF89a", None), (b"PK\x03\x04", None), (b"", None)],
)
def test_magic_bytes_name_the_media_type(head: bytes, expected: str | None) -> None:
    assert sniff_media_type(head) == expected


_SEEDS = [pdf_bytes(), image_bytes("PNG"), image_bytes("JPEG"), tiff_bytes(2)]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.sampled_from(_SEEDS), cut=st.integers(0, 4000), noise=st.binary(max_size=64),
       at=st.integers(0, 4000))
def test_mangled_scans_are_either_accepted_or_refused_never_crash(
    seed: bytes, cut: int, noise: bytes, at: int
) -> None:
    data = seed[: max(8, len(seed) - cut)]
    position = at % len(data)
    data = data[:position] + noise + data[position + len(noise):]
    try:
        info = inspect_bytes(data, name="scan", max_bytes=MAX)
    except InvalidInput as error:
        assert error.code and error.message
    else:
        assert info.pages >= 1
