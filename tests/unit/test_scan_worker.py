"""The scan checker's worker: one fork checks good scans one after another, yet every file has its own
CPU budget, and a file that crashes, hangs, runs out of CPU or memory or is refused ends its worker
without touching the process that asked; the next file is checked by a fresh fork.

The tests are the checking process here: they fork workers from the test process, whose ``check``
is replaced by one that does what the file's bytes say.
"""

from __future__ import annotations

import faulthandler
import io
import os
import signal
import time

import pytest
from reportlab.pdfgen import canvas

from counterdesk.documents import scancheck
from counterdesk.documents.scancheck import Worker, check_in_worker
from tests.hostile import flate_bomb_pdf

PDF = "application/pdf"
_kept: list[bytearray] = []


def _burn(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def _fake_check(data: bytes, media_type: str) -> int:
    """What a hostile parse could do, chosen by the file's bytes."""
    kind, _, arg = data.decode().partition(":")
    if kind == "burn":
        _burn(float(arg))
    elif kind == "spin":
        while True:
            pass
    elif kind == "crash":
        faulthandler.disable()  # pytest's handler would print the test process's stack first
        os.kill(os.getpid(), signal.SIGSEGV)
    elif kind == "hang":
        time.sleep(600)
    elif kind == "hog":
        bytearray(2 * scancheck.MEMORY_BYTES)
    elif kind == "keep":
        _kept.append(bytearray(int(arg)))
    elif kind == "refuse":
        raise scancheck.Refused("pdf_damaged", "是损坏的 PDF。")
    return 1


@pytest.fixture
def worker(monkeypatch):
    monkeypatch.setattr(scancheck, "check", _fake_check)
    monkeypatch.setattr(scancheck, "_worker", None)
    yield
    if scancheck._worker is not None:
        scancheck._worker.stop()


def ask(data: bytes, wall: float = 30) -> tuple[dict, int]:
    """The answer for ``data`` and the worker that gave it."""
    answer = check_in_worker(data, PDF, wall)
    assert scancheck._worker is not None
    return answer, scancheck._worker.pid


def test_good_scans_share_one_worker_and_a_refusal_retires_it(worker) -> None:
    answers = [ask(b"ok") for _ in range(5)]
    assert {answer["pages"] for answer, _ in answers} == {1}
    assert len({pid for _, pid in answers}) == 1
    refused, pid = ask(b"refuse")
    assert refused == {"code": "pdf_damaged", "detail": "是损坏的 PDF。"}
    assert pid == answers[0][1] and not scancheck._worker.alive
    assert ask(b"ok")[1] != pid


def test_every_file_has_its_own_cpu_budget_and_one_that_spends_it_is_killed(worker, monkeypatch) -> None:
    monkeypatch.setattr(scancheck, "CPU_SECONDS", 1)
    burns = [ask(b"burn:0.4") for _ in range(4)]  # 1.6 s of CPU in one worker, 0.4 s a file
    assert [answer for answer, _ in burns] == [{"pages": 1}] * 4
    assert len({pid for _, pid in burns}) == 1
    start = time.monotonic()
    killed, pid = ask(b"spin")
    assert killed == {"signal": signal.SIGXCPU}
    assert time.monotonic() - start < 10
    after, fresh = ask(b"ok")
    assert after == {"pages": 1} and fresh != pid


def test_a_crashing_parser_ends_only_its_worker(worker) -> None:
    ask(b"ok")
    crashed, pid = ask(b"crash")
    assert crashed == {"signal": signal.SIGSEGV}
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped, not left behind
    assert ask(b"ok")[0] == {"pages": 1}


def test_a_check_past_the_wall_clock_is_killed_and_the_next_file_is_checked(worker) -> None:
    start = time.monotonic()
    answer, pid = ask(b"hang", wall=0.5)
    assert answer == {"timeout": True}
    assert time.monotonic() - start < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert ask(b"ok")[0] == {"pages": 1}


def test_memory_beyond_the_cap_is_a_refusal_and_the_next_file_has_a_fresh_worker(worker) -> None:
    _, pid = ask(b"ok")
    answer, same = ask(b"hog")
    assert same == pid and answer["code"] == "file_too_complex" and "内存" in answer["detail"]
    assert ask(b"ok")[1] != pid


def test_a_worker_left_much_bigger_by_a_good_file_hands_over_to_a_fresh_one(worker, monkeypatch) -> None:
    # The worker's size as what it keeps: in a long test process malloc may serve even 40 MB from
    # free space the fork brought along, and the real address space then does not grow (nor does
    # the next file's headroom shrink, which is what the rule is about).
    monkeypatch.setattr(scancheck, "_address_space", lambda: 2**30 + sum(len(kept) for kept in _kept))
    _, pid = ask(b"keep:1000")
    assert ask(b"ok")[1] == pid
    answer, same = ask(b"keep:%d" % (scancheck.GROWTH_BYTES + 8 * 2**20))
    assert answer == {"pages": 1} and same == pid and not scancheck._worker.alive
    assert ask(b"ok")[1] != pid


def test_a_worker_serves_a_bounded_number_of_files(worker, monkeypatch) -> None:
    monkeypatch.setattr(scancheck, "FILES_PER_WORKER", 3)
    pids = [ask(b"ok")[1] for _ in range(7)]
    assert pids[0] == pids[1] == pids[2] != pids[3] == pids[4] == pids[5] != pids[6]


def test_a_worker_gone_between_files_is_not_blamed_on_the_next_file(worker) -> None:
    _, pid = ask(b"ok")
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.1)
    answer, fresh = ask(b"ok")
    assert answer == {"pages": 1} and fresh != pid


def test_the_real_parsers_in_a_worker_accept_a_scan_and_refuse_a_bomb() -> None:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "scan")
    page.showPage()
    page.save()
    one = Worker()
    try:
        assert one.check(out.getvalue(), PDF, 30) == {"pages": 1} and one.alive
        assert one.check(flate_bomb_pdf(2), PDF, 30)["code"] == "file_too_complex"
        assert not one.alive
    finally:
        one.stop()
