"""Mailing the 明白卡 through a real (local) SMTP server, and printing through ``lp`` or saving."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from counterdesk.config import SmtpSettings
from counterdesk.documents.mail import MailFailed, send_card
from counterdesk.documents.printing import print_pdf, save_pdf
from counterdesk.domain.errors import InvalidInput

PDF = b"%PDF-1.4\n% a card\n%%EOF\n"


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accept_hall_relay(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"hall", b"s3cret")
    return AuthResult(success=ok, handled=False)


def running(handler: Inbox, **options) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, port


@pytest.fixture
def relay() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    controller, port = running(handler)
    yield handler, port
    controller.stop()


@pytest.fixture
def login_relay() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    controller, port = running(
        handler, authenticator=accept_hall_relay, auth_require_tls=False, auth_required=True
    )
    yield handler, port
    controller.stop()


def settings(port: int, **extra) -> SmtpSettings:
    return SmtpSettings(**{"host": "127.0.0.1", "port": port, "sender": "hall@pingjiang.example.cn",
                           "starttls": False, **extra})


def test_card_is_mailed_with_chinese_subject_and_attachment_name(relay: tuple[Inbox, int]) -> None:
    handler, port = relay
    message_id = send_card(settings(port), "Zhang.San@Example.COM", "您的明白卡：就业困难人员认定",
                           "您好，附件是您的明白卡。", PDF, "明白卡-就业困难人员认定.pdf")
    [envelope] = handler.envelopes
    assert envelope.rcpt_tos == ["Zhang.San@example.com"]
    message = message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "您的明白卡：就业困难人员认定"
    assert message["Message-ID"] == message_id
    assert "附件是您的明白卡" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "明白卡-就业困难人员认定.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == PDF


# The test relay speaks plain text; aiosmtpd warns about AUTH without TLS, which is the point here.
plain_text_auth = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@plain_text_auth
def test_relay_that_requires_login_accepts_the_hall_account(login_relay: tuple[Inbox, int]) -> None:
    handler, port = login_relay
    send_card(settings(port, user="hall", password="s3cret"), "a@example.com", "明白卡", "正文", PDF, "card.pdf")
    assert len(handler.envelopes) == 1


@plain_text_auth
def test_wrong_relay_password_is_a_clear_failure_not_a_traceback(login_relay: tuple[Inbox, int]) -> None:
    handler, port = login_relay
    with pytest.raises(MailFailed) as caught:
        send_card(settings(port, user="hall", password="wrong"), "a@example.com", "明白卡", "正文", PDF, "card.pdf")
    assert caught.value.code == "smtp_auth" and caught.value.exit_code == 1
    assert handler.envelopes == []


def test_mail_without_configured_relay_is_refused(relay: tuple[Inbox, int]) -> None:
    with pytest.raises(InvalidInput) as caught:
        send_card(SmtpSettings(), "a@example.com", "明白卡", "正文", PDF, "card.pdf")
    assert caught.value.code == "smtp_not_configured"


@pytest.mark.parametrize("address", ["zhangsan", "a@b", "a@example.com\r\nBcc: x@evil.example"])
def test_mistyped_address_is_refused_before_connecting(relay: tuple[Inbox, int], address: str) -> None:
    handler, port = relay
    with pytest.raises(InvalidInput) as caught:
        send_card(settings(port), address, "明白卡", "正文", PDF, "card.pdf")
    assert caught.value.field == "email"
    assert handler.envelopes == []


def test_line_breaks_in_subject_and_folders_in_file_name_do_not_reach_the_headers(relay: tuple[Inbox, int]) -> None:
    handler, port = relay
    send_card(settings(port), "a@example.com", "明白卡\r\nBcc: x@evil.example", "正文", PDF, "../../明白卡.pdf")
    message = message_from_bytes(handler.envelopes[0].content, policy=policy.default)
    assert message["Bcc"] is None and message["Subject"] == "明白卡 Bcc: x@evil.example"
    assert next(message.iter_attachments()).get_filename() == "明白卡.pdf"


def test_unreachable_relay_is_reported_as_a_mail_failure() -> None:
    with pytest.raises(MailFailed) as caught:
        send_card(settings(free_port()), "a@example.com", "明白卡", "正文", PDF, "card.pdf", timeout=3)
    assert caught.value.code == "mail_failed" and "连接" in caught.value.message


def fake_lp(folder: Path, script: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder.mkdir(exist_ok=True)
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(lp.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return lp


def test_without_lp_the_card_is_saved_and_the_clerk_told_where(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    saved = save_pdf(PDF, tmp_path / "output", "明白卡.pdf")
    result = print_pdf(saved)
    assert not result.printed and result.path == saved.resolve()
    assert str(saved.resolve()) in result.message


def test_lp_prints_the_file_and_reports_the_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "lp.args"
    fake_lp(tmp_path / "bin", f'echo "$@" > {log}\necho "request id is Hall-42 (1 file(s))"\n', monkeypatch)
    saved = save_pdf(PDF, tmp_path, "回执.pdf")
    result = print_pdf(saved, printer="counter3", copies=2)
    assert result.printed and result.job == "Hall-42" and "Hall-42" in result.message
    assert log.read_text().split() == ["-d", "counter3", "-n", "2", str(saved.resolve())]


def test_printer_error_keeps_the_file_and_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_lp(tmp_path / "bin", 'echo "lp: The printer or class does not exist." >&2\nexit 1\n', monkeypatch)
    saved = save_pdf(PDF, tmp_path, "回执.pdf")
    result = print_pdf(saved)
    assert not result.printed and "does not exist" in result.message and saved.exists()


def test_saving_never_overwrites_and_keeps_names_inside_the_folder(tmp_path: Path) -> None:
    first = save_pdf(PDF, tmp_path, "明白卡.pdf")
    second = save_pdf(b"%PDF-other", tmp_path, "明白卡.pdf")
    sneaky = save_pdf(PDF, tmp_path, "../../etc/passwd")
    assert (first.name, second.name) == ("明白卡.pdf", "明白卡 (1).pdf")
    assert first.read_bytes() == PDF
    assert sneaky.parent == tmp_path and sneaky.suffix == ".pdf"
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
