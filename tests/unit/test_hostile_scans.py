"""Hostile scans: bombs, deep nesting, scripts and broken pixels are refused at intake in the
sandbox, with a sentence and a bounded cost, and whatever intake accepts the packet can build."""

from __future__ import annotations

import io
import os
import re
import time
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from counterdesk.documents import sandbox
from counterdesk.documents.inbox import PDF, PNG, inspect_bytes, inspect_file, list_inbox
from counterdesk.documents.pdf.models import PacketData, PacketFile
from counterdesk.documents.pdf.packet import SIZE_ALLOWANCE, SIZE_FACTOR, render_packet
from counterdesk.domain.errors import InvalidInput
from tests.hostile import (
    actions_pdf,
    deep_array_pdf,
    flate_bomb_pdf,
    nested_pdf,
    png_with_corrupt_pixels,
    rotated_heavy_pdf,
)

MAX = 20 * 2**20
PACKET = PacketData(
    hall_name="平江县政务服务中心", application_number="430626-20261124-00017-3", matter_name="就业困难人员认定",
    location="湖南省岳阳市平江县", applicant_name="张三", applicant_id="430626199001011234",
    submitted_at=datetime(2026, 11, 24, 10, 42), pickup_method="现场取件", window="3", clerk="李晓红",
    generated_at=datetime(2026, 11, 24, 11, 0),
)


def refused(data: bytes, name: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        inspect_bytes(data, name=name, max_bytes=MAX)
    return caught.value


def drop(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (time.time() - 60, time.time() - 60))
    return path


def test_thirty_page_flate_bomb_is_refused_at_its_first_page_with_the_reason() -> None:
    bomb = flate_bomb_pdf(30)
    assert len(bomb) < 2_300_000  # 2.1 MB on disk, 2.2 GB inflated
    error = refused(bomb, "户口簿.pdf")
    assert error.code == "file_too_complex"
    assert error.message.startswith("“户口簿.pdf”第 1 页的内容解压后超过 16 MB")


def test_one_stream_shared_by_every_page_counts_each_time_it_is_drawn() -> None:
    error = refused(flate_bomb_pdf(500, 10 * 10**6, shared=7), "共享.pdf")
    assert error.code == "file_too_complex" and "解压后超过" in error.message


def test_pdf_nested_deeper_than_the_packet_can_copy_is_refused_and_a_shallower_one_builds(tmp_path: Path) -> None:
    error = refused(nested_pdf(200), "嵌套.pdf")
    assert error.code == "file_too_complex" and "嵌套超过 48 层" in error.message
    shallow = drop(tmp_path, "shallow.pdf", nested_pdf(45))
    assert inspect_file(shallow, max_bytes=MAX).pages == 1
    reader = PdfReader(io.BytesIO(render_packet(PACKET, [PacketFile("M01", "申报表", shallow, PDF)])))
    assert len(reader.pages) == 2


def test_arrays_nested_thousands_deep_are_refused_at_intake_and_are_a_sentence_in_the_packet(tmp_path: Path) -> None:
    deep = drop(tmp_path, "deep.pdf", deep_array_pdf(5000))
    assert refused(deep.read_bytes(), "deep.pdf").code == "pdf_damaged"
    with pytest.raises(InvalidInput) as caught:
        render_packet(PACKET, [PacketFile("M01", "申报表", deep, PDF)])
    assert "申报表" in caught.value.message


def test_packet_strips_javascript_launch_actions_and_attached_files(tmp_path: Path) -> None:
    source = drop(tmp_path, "actions.pdf", actions_pdf())
    assert inspect_file(source, max_bytes=MAX).pages == 1
    pdf = render_packet(PACKET, [PacketFile("M01", "申报表", source, PDF)])
    for trap in (rb"/JavaScript", rb"/JS\b", rb"/Launch", rb"/AA\s*<<", rb"/EmbeddedFile", rb"/FileAttachment",
                 rb"/Annots", rb"cmd\.exe", rb"MZ payload"):
        assert not re.search(trap, pdf), trap
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_turned_page_with_heavy_content_is_packed_without_inflating_it(tmp_path: Path) -> None:
    source = drop(tmp_path, "turned.pdf", rotated_heavy_pdf(15 * 2**20))
    assert inspect_file(source, max_bytes=MAX).pages == 1
    pdf = render_packet(PACKET, [PacketFile("M01", "申报表", source, PDF)])
    assert len(pdf) <= SIZE_FACTOR * source.stat().st_size + SIZE_ALLOWANCE
    page = PdfReader(io.BytesIO(pdf)).pages[1]
    assert page.rotation == 0 and float(page.mediabox.width) == pytest.approx(842)


def test_png_with_corrupt_pixel_data_fails_at_intake_not_at_packet_time() -> None:
    error = refused(png_with_corrupt_pixels(), "存折.png")
    assert error.code == "image_damaged"


def test_a_file_is_parsed_once_however_often_it_is_listed_or_named(tmp_path: Path, monkeypatch) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    calls = []
    real = sandbox._run
    monkeypatch.setattr(sandbox, "_run", lambda data, media: calls.append(media) or real(data, media))
    cache = tmp_path / "data" / "verdicts.jsonl"
    bomb = flate_bomb_pdf(3, 20 * 2**20)
    drop(inbox, "a.pdf", bomb)
    drop(inbox, "same-again.pdf", bomb)
    for _ in range(3):
        entries = list_inbox(inbox, MAX, cache_file=cache)
        assert [e.refusal_code for e in entries] == ["file_too_complex"] * 2
    for _ in range(3):
        with pytest.raises(InvalidInput):
            inspect_file(inbox / "a.pdf", max_bytes=MAX, cache_file=cache)
    assert calls == [PDF]
    assert cache.stat().st_mode & 0o777 == 0o600


def test_a_verdict_written_by_one_program_is_read_by_the_next(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "verdicts.jsonl"
    data = png_with_corrupt_pixels(61, 41)
    first = sandbox.judge(data, PNG, cache_file=cache)
    monkeypatch.setattr(sandbox, "_memory", {})
    monkeypatch.setattr(sandbox, "_loaded", {})
    monkeypatch.setattr(sandbox, "_run", lambda *_: pytest.fail("parsed a second time"))
    assert sandbox.judge(data, PNG, cache_file=cache) == first


def test_a_refresh_never_waits_behind_another_files_check(tmp_path: Path) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    drop(inbox, "new.pdf", flate_bomb_pdf(1, 1000))
    with sandbox._parse_lock:
        [entry] = list_inbox(inbox, MAX, wait=False)
    assert entry.refusal_code == "checking" and not entry.accepted
    [entry] = list_inbox(inbox, MAX, wait=False)
    assert entry.accepted
