"""A connector for Request Tracker 5 through its REST2 API (``/REST/2.0``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..desk import DEFAULT_QUEUE, Connector, Setting, TicketChange, TicketRef, TicketRequest
from .http import call, client

#: How many rows to ask RT for at a time.
PAGE = 100


def _when(value: str) -> dt.datetime:
    """RT's "2026-11-26T00:33:25Z" as naive UTC."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)


class RequestTracker(Connector):
    """Opens RT tickets, finds them again by the forum's key, and reads status changes and replies.

    The forum's key is kept in a ticket custom field (``Forum key`` by default, applied to the
    queues you use), so a request that timed out but landed is found instead of repeated. Replies
    are the tickets' "Correspond" transactions; internal comments stay internal.
    """

    name = "request_tracker"
    label = "Request Tracker 5"
    settings = (
        Setting("url", "RT address", "The address of RT's web interface, such as https://rt.example.com."),
        Setting("user", "RT user", "An RT user allowed to create and see tickets in your queues."),
        Setting("password", "RT password", "That user's password (HTTP basic auth over HTTPS).", secret=True),
        DEFAULT_QUEUE,
        Setting(
            "key_field",
            "Key custom field",
            "The ticket custom field that stores the forum's key.",
            required=False,
            default="Forum key",
        ),
        Setting(
            "resolved_statuses",
            "Resolved statuses",
            "Statuses that mean solved, separated by commas.",
            required=False,
            default="resolved",
        ),
    )

    def __init__(self, values: Any, *, timeout: float = 15.0) -> None:
        super().__init__(values, timeout=timeout)
        self.base = self.values["url"].rstrip("/")
        self.api = f"{self.base}/REST/2.0"
        self.http = client(timeout, auth=(self.values["user"], self.values["password"]))
        self.resolved = {s.strip().lower() for s in self.values["resolved_statuses"].split(",") if s.strip()}

    def ticket_url(self, ticket_id: str) -> str:
        """Where an agent opens the ticket in RT."""
        return f"{self.base}/Ticket/Display.html?id={ticket_id}"

    def create_ticket(self, request: TicketRequest) -> TicketRef:
        body: dict[str, Any] = {
            "Queue": request.queue,
            "Subject": request.title,
            "Content": request.text(),
            "ContentType": "text/plain",
            "CustomFields": {self.values["key_field"]: request.key},
        }
        if request.requester_email:
            body["Requestor"] = request.requester_email
        data = call(self.http, "POST", f"{self.api}/ticket", what="opened a ticket", json=body).json()
        return TicketRef(str(data["id"]), self.ticket_url(str(data["id"])))

    def find_ticket(self, key: str) -> TicketRef | None:
        field = self.values["key_field"].replace("'", "")
        query = f"'CF.{{{field}}}' = '{key.replace(chr(39), '')}'"
        data = call(self.http, "GET", f"{self.api}/tickets", what="looked a ticket up", params={"query": query}).json()
        items = data.get("items") or []
        return TicketRef(str(items[0]["id"]), self.ticket_url(str(items[0]["id"]))) if items else None

    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        call(
            self.http,
            "POST",
            f"{self.api}/ticket/{ticket_id}/comment",
            what="added a note",
            json={"Content": text, "ContentType": "text/plain"},
        )

    def changes(self, ticket_id: str, cursor: str | None) -> tuple[list[TicketChange], str | None]:
        after = int(cursor or 0)
        fields = "Type,Field,OldValue,NewValue,Created"
        transactions = [t for t in self._pages(f"ticket/{ticket_id}/history", fields=fields) if int(t["id"]) > after]
        if not transactions:
            return [], cursor
        replies = {t["id"] for t in transactions if t.get("Type") == "Correspond"}
        texts: dict[str, str] = {}
        if replies:
            for attachment in self._pages(
                f"ticket/{ticket_id}/attachments", fields="ContentType,Content,TransactionId"
            ):
                if attachment.get("TransactionId") in replies and attachment.get("ContentType") == "text/plain":
                    texts.setdefault(attachment["TransactionId"], (attachment.get("Content") or "").strip())
        found = []
        for txn in transactions:
            at = _when(txn["Created"])
            if txn.get("Type") == "Status" or (txn.get("Type") == "Set" and txn.get("Field") == "Status"):
                status = str(txn.get("NewValue") or "")
                found.append(
                    TicketChange(
                        ticket_id, txn["id"], "status", at, status=status, resolved=status.lower() in self.resolved
                    )
                )
            elif txn["id"] in replies:
                found.append(
                    TicketChange(ticket_id, txn["id"], "reply", at, text=texts.get(txn["id"], ""), author="IT team")
                )
        return found, transactions[-1]["id"]

    def changed_tickets(self, ticket_ids: Sequence[str], since: dt.datetime) -> list[str] | None:
        wanted = set(ticket_ids)
        query = f"LastUpdated >= '{since:%Y-%m-%d %H:%M:%S}'"
        return [t["id"] for t in self._pages("tickets", query=query, fields="LastUpdated") if t["id"] in wanted]

    def _pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a REST2 collection, page by page."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            data = call(
                self.http,
                "GET",
                f"{self.api}/{path}",
                what="read ticket changes",
                params={**params, "per_page": PAGE, "page": page},
            ).json()
            rows += data.get("items") or []
            if page >= int(data.get("pages") or 1):
                return rows
            page += 1
