"""Files handed out (packets, exports, reports, backups) are written owner-only, whole or not at all,
and never over a device, a folder or a symbolic link."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from counterdesk.documents.output import OutputExists, private_folder, staged_folder, write_atomically
from counterdesk.documents.printing import save_pdf
from counterdesk.domain.errors import InvalidInput, StorageError

PDF = b"%PDF-1.7\n% packet with full ID numbers\n%%EOF\n"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def leftovers(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.startswith("."))


def test_a_packet_is_written_owner_only_into_a_new_owner_only_folder(tmp_path: Path) -> None:
    out = tmp_path / "交接" / "申请材料汇编.pdf"
    assert write_atomically(out, PDF) == out
    assert out.read_bytes() == PDF
    assert mode(out) == 0o600 and mode(out.parent) == 0o700
    assert leftovers(out.parent) == []


def test_an_existing_file_is_kept_without_force_and_replaced_with_it(tmp_path: Path) -> None:
    out = tmp_path / "日报.pdf"
    out.write_bytes(b"yesterday")
    out.chmod(0o644)
    with pytest.raises(OutputExists) as refused:
        write_atomically(out, PDF)
    assert refused.value.exit_code == 2 and "--force" in refused.value.message
    assert out.read_bytes() == b"yesterday"
    write_atomically(out, PDF, force=True)
    assert out.read_bytes() == PDF and mode(out) == 0o600
    assert leftovers(tmp_path) == []


def test_a_symbolic_link_is_refused_even_with_force_and_its_target_untouched(tmp_path: Path) -> None:
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0")
    link = tmp_path / "export.jsonl"
    link.symlink_to(victim)
    with pytest.raises(InvalidInput) as refused:
        write_atomically(link, PDF, force=True)
    assert refused.value.code == "output_symlink" and "符号链接" in refused.value.message
    assert link.is_symlink() and victim.read_text() == "root:x:0:0"


def test_a_folder_is_refused_even_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "output"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(InvalidInput) as refused:
        write_atomically(folder, PDF, force=True)
    assert refused.value.code == "output_folder" and "文件夹" in refused.value.message
    assert (folder / "inside").is_dir()


def test_a_fifo_and_a_device_node_are_refused_even_with_force(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in (fifo, Path("/dev/null")):
        with pytest.raises(InvalidInput) as refused:
            write_atomically(target, PDF, force=True)
        assert refused.value.code == "output_special" and "特殊文件" in refused.value.message
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("failure", [RuntimeError("renderer crashed"), KeyboardInterrupt()])
def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path: Path, failure: BaseException) -> None:
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"earlier")

    def half_then_fail(staged: Path) -> None:
        staged.write_bytes(PDF[:10])
        raise failure

    for target in (tmp_path / "new.pdf", kept):
        with pytest.raises(type(failure)):
            write_atomically(target, half_then_fail, force=True)
    assert sorted(os.listdir(tmp_path)) == ["kept.pdf"]
    assert kept.read_bytes() == b"earlier"


def test_a_full_disk_is_a_sentence_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageError) as refused:
        write_atomically(tmp_path / "packet.pdf", PDF)
    assert refused.value.message.startswith(f"无法写入 {tmp_path / 'packet.pdf'}")
    assert "未留下任何文件" in refused.value.message
    assert os.listdir(tmp_path) == []


def test_a_file_that_appears_while_writing_is_never_replaced_without_force(tmp_path: Path) -> None:
    out = tmp_path / "export.csv"

    def someone_else_writes_meanwhile(staged: Path) -> None:
        staged.write_bytes(PDF)
        out.write_text("another program's file")

    with pytest.raises(OutputExists):
        write_atomically(out, someone_else_writes_meanwhile)
    assert out.read_text() == "another program's file"
    assert leftovers(tmp_path) == []


def test_the_halls_output_folder_is_created_and_kept_owner_only(tmp_path: Path) -> None:
    output = tmp_path / "data" / "output"
    first = save_pdf(PDF, output, "申请材料汇编-430626-20261124-00017-3.pdf")
    assert mode(tmp_path / "data") == 0o700 and mode(output) == 0o700 and mode(first) == 0o600
    output.chmod(0o755)
    second = save_pdf(PDF, output, "申请材料汇编-430626-20261124-00017-3.pdf")
    assert second.name == "申请材料汇编-430626-20261124-00017-3 (1).pdf"
    assert mode(output) == 0o700 and first.read_bytes() == second.read_bytes() == PDF
    assert leftovers(output) == []


def test_private_folder_refuses_a_file_in_its_place_with_a_sentence(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(StorageError) as refused:
        private_folder(tmp_path / "data" / "output")
    assert "无法创建文件夹" in refused.value.message


def test_an_exports_folder_of_files_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    folder = tmp_path / "export.jsonl.files"
    with pytest.raises(RuntimeError), staged_folder(folder) as staging:
        (staging / "430626-20261124-00017-3").mkdir()
        (staging / "430626-20261124-00017-3" / "M01-1.pdf").write_bytes(PDF)
        raise RuntimeError("store file missing")
    assert os.listdir(tmp_path) == []
    with staged_folder(folder) as staging:
        (staging / "M01-1.pdf").write_bytes(PDF)
    assert mode(folder) == 0o700 and (folder / "M01-1.pdf").read_bytes() == PDF
    with pytest.raises(OutputExists), staged_folder(folder):
        pass
    with staged_folder(folder, force=True) as staging:
        (staging / "M02-1.pdf").write_bytes(PDF)
    assert os.listdir(folder) == ["M02-1.pdf"]
    assert sorted(os.listdir(tmp_path)) == ["export.jsonl.files"]


def test_an_exports_folder_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "export.jsonl.files").symlink_to(elsewhere)
    with pytest.raises(InvalidInput) as refused, staged_folder(tmp_path / "export.jsonl.files", force=True):
        pass
    assert refused.value.code == "output_symlink"
    assert os.listdir(elsewhere) == []
