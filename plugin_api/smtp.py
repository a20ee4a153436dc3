"""Sending e-mail through SMTP, with failures sorted into "try later" and "a person must look"."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage

from .retry import GiveUp, TryLater


class MailUnavailable(TryLater):
    """The mail server could not be reached, or said "try later" (a 4xx reply)."""


class MailRejected(GiveUp):
    """The mail server refused the message or the login: a person must look."""


@dataclass(frozen=True)
class SmtpServer:
    """Where mail goes, and how to log in."""

    host: str
    port: int = 25
    security: str = "none"  # "none", "starttls" or "tls"
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, messages: Iterable[EmailMessage]) -> list[Exception | None]:
        """Send each message over one connection; per message, None or the reason it was refused.

        A server that cannot be reached raises :class:`MailUnavailable` for the whole batch; if the
        connection breaks part way, the list is shorter than the batch and the rest should be retried.
        """
        smtp_class = smtplib.SMTP_SSL if self.security == "tls" else smtplib.SMTP
        results: list[Exception | None] = []
        try:
            with smtp_class(self.host, self.port, timeout=self.timeout) as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                for message in messages:
                    try:
                        smtp.send_message(message)
                        results.append(None)
                    except smtplib.SMTPRecipientsRefused as error:
                        results.append(MailRejected(f"The mail server refused the address: {_first(error)}"))
                    except smtplib.SMTPResponseException as error:
                        text = f"The mail server said {error.smtp_code}: {_text(error.smtp_error)[:200]}"
                        results.append((MailUnavailable if 400 <= error.smtp_code < 500 else MailRejected)(text))
        except smtplib.SMTPAuthenticationError:
            raise MailRejected(f"The mail server {self.host} did not accept the login.") from None
        except (OSError, smtplib.SMTPException) as error:
            if results:  # the connection broke part way: messages without a result wait for the next try
                return results
            raise MailUnavailable(
                f"We could not reach the mail server {self.host}:{self.port} ({type(error).__name__})."
            ) from None
        return results


def _first(error: smtplib.SMTPRecipientsRefused) -> str:
    """The server's words for the first refused recipient."""
    for code, text in error.recipients.values():
        return f"{code} {text.decode(errors='replace')[:200]}"
    return "no reason given"


def _text(reply: bytes | str) -> str:
    """A server's reply as text (smtplib gives bytes, or str for errors it makes itself)."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply
