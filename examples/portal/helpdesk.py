"""The demo portal's own small ticket desk, and its connector: the README's "connector in one file" example.

A real organisation points the forum at Request Tracker, a webhook or an e-mail address. This
portal keeps tickets in two tables of its own instead, so the demo shows the whole round trip:
agents reply and resolve at ``/desk``, and the forum's worker brings that back into the thread.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from plugin_api.desk import Connector, DeskRejected, Setting, TicketChange, TicketRef, TicketRequest

metadata = sa.MetaData()
tickets = sa.Table(
    "portal_tickets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.String(60), nullable=False, unique=True),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("requester", sa.String(200), nullable=False),
    sa.Column("queue", sa.String(60), nullable=False),
    sa.Column("status", sa.String(20), nullable=False, default="new"),
    sa.Column("link", sa.String(500), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
ticket_events = sa.Table(
    "portal_ticket_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("portal_tickets.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),  # reply, note or status
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(20), nullable=False, default=""),
    sa.Column("author", sa.String(100), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
STATUSES = ("new", "open", "stalled", "resolved")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _engine() -> sa.Engine:
    from .app import db

    return db.engine


class PortalDesk(Connector):
    """Opens tickets in the portal's own ``portal_tickets`` table and reads its replies and statuses."""

    name = "portal_desk"
    label = "The portal's own help desk"
    settings = (Setting("queue", "Default queue", "Where tickets go.", required=False, default="Service desk"),)

    def create_ticket(self, request: TicketRequest) -> TicketRef:
        with _engine().begin() as conn:
            result = conn.execute(
                tickets.insert().values(
                    key=request.key,
                    subject=request.title,
                    body=request.text(),
                    queue=request.queue,
                    status="new",
                    requester=request.requester_email or request.requester_name,
                    link=request.link,
                    created_at=_now(),
                )
            )
            ticket_id = str(result.inserted_primary_key[0])
        return TicketRef(ticket_id, f"/desk/{ticket_id}")

    def find_ticket(self, key: str) -> TicketRef | None:
        with _engine().connect() as conn:
            found = conn.scalar(sa.select(tickets.c.id).where(tickets.c.key == key))
        return TicketRef(str(found), f"/desk/{found}") if found else None

    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        with _engine().begin() as conn:
            if conn.scalar(sa.select(tickets.c.id).where(tickets.c.id == int(ticket_id))) is None:
                raise DeskRejected(f"There is no ticket {ticket_id}.")
            conn.execute(
                ticket_events.insert().values(
                    ticket_id=int(ticket_id), kind="note", text=text, author="Community", created_at=_now()
                )
            )

    def changes(self, ticket_id: str, cursor: str | None) -> tuple[list[TicketChange], str | None]:
        with _engine().connect() as conn:
            rows = conn.execute(
                sa.select(ticket_events)
                .where(ticket_events.c.ticket_id == int(ticket_id), ticket_events.c.id > int(cursor or 0))
                .order_by(ticket_events.c.id)
            ).all()
        found = [
            TicketChange(
                ticket_id,
                str(row.id),
                row.kind,
                row.created_at,
                status=row.status,
                text=row.text,
                author=row.author,
                resolved=row.status == "resolved",
            )
            for row in rows
            if row.kind in ("reply", "status")
        ]
        return found, (str(rows[-1].id) if rows else cursor)


desk_pages = Blueprint("desk", __name__, url_prefix="/desk")


@desk_pages.before_request
@login_required
def _agents_only() -> None:
    if not getattr(current_user, "is_agent", False):
        abort(403)


@desk_pages.get("/")
def queue() -> Any:
    """Every ticket, newest first."""
    with _engine().connect() as conn:
        rows = conn.execute(sa.select(tickets).order_by(tickets.c.id.desc())).all()
    return render_template("desk_queue.html", tickets=rows)


@desk_pages.route("/<int:ticket_id>", methods=["GET", "POST"])
def ticket(ticket_id: int) -> Any:
    """One ticket: reply to the requester and change its status."""
    with _engine().connect() as conn:
        row = conn.execute(sa.select(tickets).where(tickets.c.id == ticket_id)).first()
    if row is None:
        abort(404)
    if request.method == "POST":
        text = request.form.get("reply", "").strip()
        status = request.form.get("status", row.status)
        if status not in STATUSES:
            flash("Please pick one of the statuses in the list.")
            return redirect(url_for("desk.ticket", ticket_id=ticket_id))
        with _engine().begin() as conn:
            if text:
                conn.execute(
                    ticket_events.insert().values(
                        ticket_id=ticket_id,
                        kind="reply",
                        text=text,
                        author=current_user.display_name,
                        created_at=_now(),
                    )
                )
            if status != row.status:
                conn.execute(tickets.update().where(tickets.c.id == ticket_id).values(status=status))
                conn.execute(
                    ticket_events.insert().values(
                        ticket_id=ticket_id,
                        kind="status",
                        status=status,
                        author=current_user.display_name,
                        created_at=_now(),
                    )
                )
        flash("Saved. The asker sees it in the community shortly.")
        return redirect(url_for("desk.ticket", ticket_id=ticket_id))
    with _engine().connect() as conn:
        events = conn.execute(
            sa.select(ticket_events).where(ticket_events.c.ticket_id == ticket_id).order_by(ticket_events.c.id)
        ).all()
    return render_template("desk_ticket.html", ticket=row, events=events, statuses=STATUSES)
