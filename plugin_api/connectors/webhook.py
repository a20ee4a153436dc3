"""A connector for desks driven by their own automation: POST the ticket as JSON, signed (Standard Webhooks)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from standardwebhooks.webhooks import Webhook

from ..desk import DEFAULT_QUEUE, Connector, DeskRejected, Setting, TicketChange, TicketNews, TicketRef, TicketRequest
from .http import call, client


def ticket_payload(request: TicketRequest) -> dict[str, Any]:
    """The JSON body the desk receives for a new ticket."""
    return {
        "type": "ticket.requested",
        "key": request.key,
        "thread_id": request.thread_id,
        "title": request.title,
        "question": request.question,
        "answers": list(request.answers),
        "tags": list(request.tags),
        "link": request.link,
        "requester": {"name": request.requester_name, "email": request.requester_email},
        "queue": request.queue,
        "reason": request.reason,
        "text": request.text(),
    }


class SignedWebhook(Connector):
    """POSTs each ticket request to your URL; the desk answers with the ticket it made.

    Every request carries ``webhook-id`` (the escalation's key, the same on retries),
    ``webhook-timestamp`` and ``webhook-signature`` (HMAC-SHA256 of id.timestamp.body). The reply
    may be JSON ``{"ticket_id": "...", "url": "..."}``. With a lookup URL, the forum asks
    ``GET <lookup_url>?key=...`` before trying again, so a request that landed is never repeated.
    Ticket progress comes back through the forum's inbound webhook (``/desk/webhook``) as
    ``{"ticket_id", "change_id", "status", "resolved", "reply", "author"}``.
    """

    name = "webhook"
    label = "Signed webhook"
    reads_changes = False
    settings = (
        Setting("url", "Webhook address", "Where new tickets are POSTed, https:// in production."),
        Setting("secret", "Signing secret", "A whsec_... secret shared with the receiver.", secret=True),
        Setting("lookup_url", "Lookup address", "Optional: GET ?key=... finds a ticket made earlier.", required=False),
        Setting("comment_url", "Comment address", "Optional: where notes for a ticket are POSTed.", required=False),
        dataclasses.replace(DEFAULT_QUEUE, help="Sent as 'queue' when no category mapping says."),
    )

    def __init__(self, values: Any, *, timeout: float = 15.0) -> None:
        super().__init__(values, timeout=timeout)
        try:
            self.signer = Webhook(self.values["secret"])
        except Exception:
            raise ValueError("The signing secret must be a base64 secret, such as whsec_... .") from None
        self.http = client(timeout)

    def post(self, url: str, key: str, payload: dict[str, Any], *, what: str) -> Any:
        """POST ``payload`` signed as message ``key``."""
        body = json.dumps(payload, separators=(",", ":"))
        now = dt.datetime.now(dt.UTC)
        headers = {
            "content-type": "application/json",
            "webhook-id": key,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": self.signer.sign(key, now, body),
        }
        return call(self.http, "POST", url, what=what, content=body.encode(), headers=headers)

    def create_ticket(self, request: TicketRequest) -> TicketRef:
        response = self.post(self.values["url"], request.key, ticket_payload(request), what="sent a ticket")
        return _ref(response, fallback=request.key)

    def find_ticket(self, key: str) -> TicketRef | None:
        if not self.values.get("lookup_url"):
            return None
        response = call(
            self.http, "GET", self.values["lookup_url"], what="looked a ticket up", params={"key": key}, missing_ok=True
        )
        return None if response.status_code == 404 else _ref(response, fallback=key)

    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        url = self.values.get("comment_url")
        if not url:
            return
        payload = {"type": "ticket.comment", "ticket_id": ticket_id, "text": text}
        self.post(url, key or f"comment-{ticket_id}", payload, what="sent a note")

    def read_webhook(self, payload: Any) -> TicketNews:
        if not isinstance(payload, dict) or not payload.get("ticket_id") or not payload.get("change_id"):
            raise DeskRejected("The message needs a ticket_id and a change_id.")
        ticket, change_id = str(payload["ticket_id"]), str(payload["change_id"])
        at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        changes = []
        if payload.get("reply"):
            changes.append(
                TicketChange(
                    ticket,
                    f"{change_id}-reply",
                    "reply",
                    at,
                    text=str(payload["reply"]),
                    author=str(payload.get("author") or ""),
                )
            )
        if payload.get("status"):
            changes.append(
                TicketChange(
                    ticket,
                    f"{change_id}-status",
                    "status",
                    at,
                    status=str(payload["status"]),
                    resolved=bool(payload.get("resolved")),
                )
            )
        if not changes:
            raise DeskRejected("The message needs a reply or a status.")
        return TicketNews(changes=tuple(changes))


def _ref(response: Any, *, fallback: str) -> TicketRef:
    """The ticket named in a desk's JSON reply, or the key itself when the desk sends nothing."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    return TicketRef(id=str(data.get("ticket_id") or data.get("id") or fallback), url=str(data.get("url") or ""))
