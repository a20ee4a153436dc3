"""A connector that sends each ticket as an e-mail to the desk's intake address (every desk reads e-mail)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr

from ..desk import Connector, DeskUnavailable, Setting, TicketRef, TicketRequest
from ..smtp import SmtpServer


class EmailDesk(Connector):
    """Sends the ticket to the desk's intake mailbox over SMTP.

    The Message-ID is made from the escalation's key, so a desk that drops repeated messages
    drops a retried one too. E-mail is one way: progress comes back only if the desk calls the
    forum's inbound webhook.
    """

    name = "email"
    label = "E-mail to the desk"
    reads_changes = False
    settings = (
        Setting("to", "Desk intake address", "Where the desk turns e-mail into tickets, such as help@example.com."),
        Setting(
            "sender", "From address", "The address the forum sends from.", required=False, default="community@localhost"
        ),
        Setting("host", "SMTP server", "The mail server's name.", required=False, default="localhost"),
        Setting("port", "SMTP port", "Usually 25, 587 (STARTTLS) or 465 (TLS).", required=False, default="25"),
        Setting("security", "Encryption", "none, starttls or tls.", required=False, default="none"),
        Setting("username", "SMTP user", "Leave empty when the server needs no login.", required=False),
        Setting("password", "SMTP password", "", secret=True, required=False),
    )

    def message(self, request: TicketRequest) -> EmailMessage:
        """The e-mail the desk receives."""
        message = EmailMessage()
        message["From"] = self.values["sender"]
        message["To"] = self.values["to"]
        if request.requester_email:
            message["Reply-To"] = formataddr((request.requester_name, request.requester_email))
        message["Subject"] = f"[Community #{request.thread_id}] {request.title}"
        domain = self.values["sender"].rpartition("@")[2] or "localhost"
        message["Message-ID"] = f"<forum-{request.key}@{domain}>"
        message["X-Forum-Key"] = request.key
        message["X-Forum-Queue"] = request.queue
        message.set_content(request.text())
        return message

    def create_ticket(self, request: TicketRequest) -> TicketRef:
        self.send(self.message(request))
        return TicketRef(id=f"mail-{request.key}")

    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        message = EmailMessage()
        message["From"] = self.values["sender"]
        message["To"] = self.values["to"]
        message["Subject"] = f"Note for ticket {ticket_id}"
        message.set_content(text)
        self.send(message)

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the SMTP server, sorting failures into retry or reject."""
        server = SmtpServer(
            host=self.values["host"],
            port=int(self.values["port"] or 25),
            security=self.values["security"],
            username=self.values.get("username") or None,
            password=self.values.get("password") or None,
            timeout=self.timeout,
        )
        results = server.send([message])
        if not results:
            raise DeskUnavailable("The mail server hung up before taking the message.")
        if results[0] is not None:
            raise results[0]
