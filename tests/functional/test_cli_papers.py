"""``counterdesk receipt / notice / packet`` and ``counterdesk scans`` as scripts use them."""

from __future__ import annotations

import json
import os
import stat

import pytest
from pypdf import PdfReader
from sqlmodel import select
from typer.testing import CliRunner

from counterdesk.cli.main import app
from counterdesk.domain.appno import format_application_number
from counterdesk.domain.clock import today
from counterdesk.services import attachments
from counterdesk.services.attachments import store_of
from counterdesk.store.models import Attachment, AuditEntry
from tests.conftest import PASSWORD, write_pdf
from tests.factories import applicant_form, draft_application, submitted_application


@pytest.fixture
def run(settings):
    """Run ``counterdesk`` against the test database and inbox."""
    runner = CliRunner()

    def invoke(*args: str, password: str | None = None):
        env = {"COUNTERDESK_SCANS": str(settings.scans_dir)}
        if password is not None:
            env["COUNTERDESK_PASSWORD"] = password
        return runner.invoke(app, ["--home", str(settings.home), "--db", settings.db_url, *args], env=env)

    return invoke


def _text(path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_receipt_command_writes_the_masked_receipt(run, session, clerk, catalog, settings, tmp_path):
    number = submitted_application(session, clerk, catalog, settings).number
    out = tmp_path / "回执.pdf"
    result = run("receipt", number, "-o", str(out))
    assert result.exit_code == 0, result.output
    text = _text(out)
    assert number in text and "张*" in text and "张三" not in text


def test_packet_command_merges_the_six_scans_behind_a_cover(run, session, clerk, catalog, settings, tmp_path):
    number = submitted_application(session, clerk, catalog, settings).number
    out = tmp_path / "packet.pdf"
    result = run("packet", number, "-o", str(out), "--staff", clerk.id, password=PASSWORD)
    assert result.exit_code == 0, result.output
    assert len(PdfReader(out).pages) >= 7
    session.expire_all()
    seen = session.exec(select(AuditEntry).where(AuditEntry.action == "view_full")).all()
    assert [(event.staff_id, event.target) for event in seen] == [(clerk.id, number)]


def test_the_packet_holds_personal_data_in_full_so_it_needs_a_login_of_that_window(
        run, session, clerk, other_clerk, supervisor, catalog, settings, tmp_path):
    number = submitted_application(session, clerk, catalog, settings).number
    out = tmp_path / "packet.pdf"
    anonymous = run("packet", number, "-o", str(out))
    assert anonymous.exit_code == 2 and "--staff" in anonymous.stderr
    other = run("packet", number, "-o", str(out), "--staff", other_clerk.id, password=PASSWORD)
    assert other.exit_code == 2 and "其他窗口" in other.stderr and "Traceback" not in other.output
    wrong = run("packet", number, "-o", str(out), "--staff", clerk.id, password="not-the-password")
    assert wrong.exit_code == 2 and not out.exists()
    assert run("packet", number, "-o", str(out), "--staff", supervisor.id, password=PASSWORD).exit_code == 0


def test_notice_command_prints_the_supplement_request_for_an_unclear_copy(run, session, clerk, supervisor, catalog,
                                                                         settings, tmp_path):
    from counterdesk.services import supplements

    application = submitted_application(session, clerk, catalog, settings)
    supplements.request(session, actor=supervisor, number_or_id=application.id, materials=["M03"],
                        reason="复印件不清晰", catalog=catalog)
    out = tmp_path / "notice.pdf"
    assert run("notice", application.number, "-o", str(out)).exit_code == 0
    assert "复印件不清晰" in _text(out)


def test_a_mistyped_check_character_exits_2_and_an_unknown_number_exits_1(run, session, clerk, catalog, settings,
                                                                          tmp_path):
    number = submitted_application(session, clerk, catalog, settings).number
    slip = number[:-1] + ("1" if number[-1] == "0" else "0")
    typo = run("receipt", slip, "-o", str(tmp_path / "x.pdf"))
    assert typo.exit_code == 2 and "校验" in typo.stderr and "Traceback" not in typo.output
    never_given = format_application_number("430626", today(), 2)
    unknown = run("receipt", never_given, "-o", str(tmp_path / "y.pdf"))
    assert unknown.exit_code == 1 and never_given in unknown.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.pdf").exists()


def test_scans_list_json_shows_accepted_and_refused_files(run, settings):
    write_pdf(settings.scans_dir / "申报表.pdf", pages=2)
    bad = settings.scans_dir / "notes.pdf"
    bad.write_text("plain text")
    os.utime(bad, (bad.stat().st_mtime - 10,) * 2)
    result = run("scans", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["申报表.pdf"]["accepted"] and rows["申报表.pdf"]["pages"] == 2
    assert not rows["notes.pdf"]["accepted"] and rows["notes.pdf"]["refusal"]


def test_scans_gc_is_a_dry_run_until_apply_and_keeps_attached_files(run, session, clerk, catalog, settings):
    application = submitted_application(session, clerk, catalog, settings)
    kept = {a.sha256 for a in session.exec(select(Attachment).where(Attachment.application_id == application.id))}
    draft = draft_application(session, clerk, catalog)
    scan = write_pdf(settings.scans_dir / "作废.pdf", "orphan")
    orphan = attachments.attach_from_inbox(session, actor=clerk, settings=settings, catalog=catalog,
                                           application_id=draft.id, material_code="M01", path=scan)
    attachments.detach(session, actor=clerk, attachment_id=orphan.id)
    store = store_of(settings)
    detached_long_ago = store.path_of(orphan.sha256).stat().st_mtime - 2 * 3600
    os.utime(store.path_of(orphan.sha256), (detached_long_ago, detached_long_ago))

    dry = run("scans", "gc", "--json", "--staff", "sup01", password=PASSWORD)
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {"applied": False, "orphans": [orphan.sha256]}
    assert store.exists(orphan.sha256)

    applied = run("scans", "gc", "--apply", "--staff", "sup01", password=PASSWORD)
    assert applied.exit_code == 0 and "已删除 1 个" in applied.stdout
    assert not store.exists(orphan.sha256)
    assert all(store.exists(sha) for sha in kept)
    session.expire_all()
    runs = session.exec(select(AuditEntry).where(AuditEntry.action == "scans_gc").order_by(AuditEntry.id)).all()
    assert [(r.staff_id, r.target) for r in runs] == [("sup01", "dry-run"), ("sup01", "apply")]


def test_scans_gc_needs_a_supervisor(run, session, clerk):
    refused = run("scans", "gc", "--apply", "--staff", clerk.id, password=PASSWORD)
    assert refused.exit_code == 2 and "值班长" in refused.stderr
    anonymous = run("scans", "gc", "--apply")
    assert anonymous.exit_code == 2 and "--staff" in anonymous.stderr


def test_scans_list_shows_an_escape_sequence_file_name_as_visible_text(run, settings):
    """A scanner (or a USB stick) names a file so that its bytes would retitle the window and fill the clipboard."""
    settings.scans_dir.mkdir(parents=True, exist_ok=True)
    hostile = settings.scans_dir / "x\x1b]52;c;cm0gLXJmIH4K\x1b\\\u202e.pdf"
    write_pdf(hostile)
    os.utime(hostile, (1_700_000_000, 1_700_000_000))
    result = run("scans", "list")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "\\u001b]52;c;cm0gLXJmIH4K" in result.output.replace("\n", "").replace("│", "").replace(" ", "")


def test_scans_list_on_a_fresh_home_creates_the_inbox_and_says_where_it_is(tmp_path, db_url):
    home = tmp_path / "新窗口"
    inbox = home / "scans"
    result = CliRunner().invoke(app, ["--home", str(home), "--db", db_url, "scans", "list"],
                                env={"COUNTERDESK_SCANS": ""})
    assert result.exit_code == 0, result.output
    assert inbox.is_dir() and stat.S_IMODE(inbox.stat().st_mode) == 0o700
    assert str(inbox) in result.output and "已新建" in result.output


def test_scans_list_names_the_inbox_it_read(run, settings):
    result = run("scans", "list")
    assert result.exit_code == 0, result.output
    assert f"扫描收件箱：{settings.scans_dir}" in result.output and "为空" in result.output


BLANK = "\U0002B740"
"""A CJK Extension D character that no embedded font has: the paper prints it as a blank."""


def test_a_paper_with_a_character_no_font_has_is_written_and_the_blank_named_in_one_line_on_stderr(
        run, session, clerk, catalog, settings, tmp_path):
    rare = submitted_application(session, clerk, catalog, settings, form=applicant_form(name=f"{BLANK}三")).number
    plain = submitted_application(session, clerk, catalog, settings).number
    for command, staff in (("receipt", ()), ("packet", ("--staff", clerk.id))):
        out = tmp_path / f"{command}.pdf"
        result = run(command, rare, "-o", str(out), *staff, password=PASSWORD)
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(b"%PDF-") and "已保存" in result.stdout
        [line] = result.stderr.splitlines()
        assert BLANK in line and "U+2B740" in line and "空白" in line
        whole = run(command, plain, "-o", str(tmp_path / f"{command}-whole.pdf"), *staff, password=PASSWORD)
        assert whole.exit_code == 0 and whole.stderr == ""
