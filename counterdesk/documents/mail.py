"""E-mail the 明白卡 to the citizen through the hall's SMTP relay (``COUNTERDESK_SMTP_*``)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from counterdesk.config import SmtpSettings
from counterdesk.domain.contact import validate_email
from counterdesk.domain.errors import CounterdeskError, InvalidInput

IMPLICIT_TLS_PORT = 465
"""Port where the relay speaks TLS from the first byte (SMTPS) instead of STARTTLS."""


class MailFailed(CounterdeskError):
    """The mail relay could not be reached or refused the message; the request itself was fine."""

    exit_code = 1
    default_code = "mail_failed"


def send_card(
    smtp: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    pdf_bytes: bytes,
    filename: str,
    *,
    timeout: float = 20.0,
) -> str:
    """Send ``pdf_bytes`` as an attachment named ``filename`` to ``to``; return the Message-ID.

    Uses STARTTLS when ``smtp.starttls`` (implicit TLS on port 465) and logs in when a user is set.
    Raises ``InvalidInput`` for a bad address or missing settings, ``MailFailed`` when sending fails.
    """
    if not smtp.configured:
        raise InvalidInput(
            "尚未配置发信邮箱（COUNTERDESK_SMTP_HOST 和 COUNTERDESK_SMTP_FROM），无法发送邮件。",
            code="smtp_not_configured",
        )
    address = validate_email(to)
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = address
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2] or None)
    message.set_content(body)
    message.add_attachment(pdf_bytes, maintype="application", subtype="pdf", filename=_plain_name(filename))
    try:
        with _connect(smtp, timeout) as client:
            if smtp.user:
                client.login(smtp.user, smtp.password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailFailed("发信邮箱登录失败，请检查 SMTP 用户名和密码。", code="smtp_auth") from None
    except smtplib.SMTPRecipientsRefused:
        raise MailFailed(f"邮件服务器拒收发往 {address} 的邮件，请核对邮箱地址。", code="smtp_recipient") from None
    except smtplib.SMTPNotSupportedError:
        raise MailFailed("邮件服务器不支持加密连接（STARTTLS）或登录，请检查 SMTP 设置。", code="smtp_unsupported") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        raise MailFailed(f"邮件发送失败（{_reason(exc)}），请稍后重试或改为打印。", code="mail_failed") from None
    return message["Message-ID"]


def _connect(smtp: SmtpSettings, timeout: float) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if smtp.port == IMPLICIT_TLS_PORT:
        return smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    if smtp.starttls:
        try:
            client.starttls(context=context)
        except BaseException:
            client.close()
            raise
    return client


def _plain_name(filename: str) -> str:
    """The attachment name without folders or line breaks (they would end up in a MIME header)."""
    name = " ".join(filename.replace("\\", "/").rsplit("/", 1)[-1].split())
    return name or "明白卡.pdf"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "连接超时"
    if isinstance(exc, ConnectionRefusedError):
        return "连接被拒绝"
    if isinstance(exc, ssl.SSLError):
        return "加密连接失败"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"服务器返回 {exc.smtp_code}"
    return type(exc).__name__
