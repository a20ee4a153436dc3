"""Outbound webhooks: admins register addresses, and the forum tells them what happens, signed and retried.

Each event becomes one row per subscribed endpoint in the same outbox the plugins' posts use (``forum_outgoing``),
so an endpoint that is down loses nothing: workers claim each row once, retry with backoff, and give up on a
refusal (a 4xx), where admins see it and can send it again. Every delivery is signed the Standard Webhooks way
(``webhook-id``, ``webhook-timestamp``, ``webhook-signature``) with the endpoint's own secret, at the moment it
is sent, so a retry carries a fresh timestamp and the same id.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook

from ..errors import ForumError, NotFound
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..models import as_id, utcnow
from ..models.upsert import upsert

if TYPE_CHECKING:
    from ..state import ForumState

#: What an endpoint can ask for, and what each means, for the admin page.
EVENTS: dict[str, str] = {
    "thread.created": _l("A question is asked"),
    "answer.posted": _l("An answer is posted"),
    "answer.accepted": _l("An answer is accepted as the solution"),
    "thread.escalated": _l("A question goes to the IT team"),
    "ticket.updated": _l("A ticket's status or reply comes back"),
    "announcement.published": _l("An announcement is published"),
    "badge.awarded": _l("Someone earns a badge"),
}
#: The forum's own event names (plugin_api.events) and the webhook types they are sent as.
FROM_FORUM = {
    "thread_created": "thread.created",
    "answer_created": "answer.posted",
    "answer_accepted": "answer.accepted",
    "thread_escalated": "thread.escalated",
    "ticket_updated": "ticket.updated",
    "announcement_published": "announcement.published",
}
TEST_EVENT = "webhook.test"
PLUGIN = "webhooks"


def new_secret() -> str:
    """A signing secret in the Standard Webhooks form: whsec_ and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def _check_url(url: str | None) -> str:
    url = (url or "").strip()
    parts = urlsplit(url) if len(url) <= 2000 and "\x00" not in url else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ForumError(_("Enter the full address that receives the events, starting with https://."), field="url")
    return url


def add_endpoint(state: ForumState, *, url: str | None, events: list[str], description: str | None = "") -> Any:
    """Register an address for the chosen events; its secret is made here and shown to admins to copy."""
    chosen = [name for name in EVENTS if name in set(events or [])]
    if not chosen:
        raise ForumError(_("Choose at least one event to send."), field="events")
    Endpoint = state.models.WebhookEndpoint
    endpoint = Endpoint(
        url=_check_url(url),
        secret=new_secret(),
        events=" ".join(chosen),
        description=" ".join((description or "").replace("\x00", "").split())[:200],
    )
    state.db.session.add(endpoint)
    state.db.session.commit()
    return endpoint


def remove_endpoint(state: ForumState, endpoint_id: Any) -> None:
    """Stop sending to an address; what still waits for it goes too."""
    endpoint = get_endpoint(state, endpoint_id)
    Out = state.models.OutgoingPost
    state.db.session.execute(sa.delete(Out).where(Out.endpoint_id == endpoint.id))
    state.db.session.delete(endpoint)
    state.db.session.commit()


def get_endpoint(state: ForumState, endpoint_id: Any) -> Any:
    """One endpoint, or a plain "not found"."""
    wanted = as_id(endpoint_id)
    found = state.db.session.get(state.models.WebhookEndpoint, wanted) if wanted is not None else None
    if found is None:
        raise NotFound(_("We could not find that webhook. It may have been removed."))
    return found


def endpoints(state: ForumState) -> list[Any]:
    """Every registered endpoint, oldest first."""
    Endpoint = state.models.WebhookEndpoint
    return list(state.db.session.scalars(sa.select(Endpoint).order_by(Endpoint.id)))


def queue(state: ForumState, kind: str, data: dict[str, Any], *, only: Any = None) -> int:
    """Add one delivery per endpoint that wants ``kind`` to the caller's transaction; how many were added."""
    Endpoint, Out = state.models.WebhookEndpoint, state.models.OutgoingPost
    query = sa.select(Endpoint.id, Endpoint.url, Endpoint.events)
    if only is not None:
        query = query.where(Endpoint.id == only.id)
    message_id = f"msg_{uuid.uuid4().hex}"
    body = {"type": kind, "timestamp": utcnow().replace(tzinfo=dt.UTC).isoformat(), "data": data}
    added = 0
    for endpoint_id, url, wanted in state.db.session.execute(query):
        if only is None and kind not in wanted.split():
            continue
        values = {
            "key": f"{message_id}:{endpoint_id}",
            "plugin": PLUGIN,
            "url": url,
            "payload": json.dumps(body, separators=(",", ":"), default=str),  # host keys may be UUIDs or strings
            "endpoint_id": endpoint_id,
            "state": "waiting",
            "attempts": 0,
            "locked_by": "",
            "last_error": "",
        }
        upsert(state, Out.__table__, values, ["key"], {})
        added += 1
    return added


def send_test(state: ForumState, endpoint_id: Any) -> None:
    """The admins' "send a test event" button: one delivery to this endpoint alone, through the outbox."""
    endpoint = get_endpoint(state, endpoint_id)
    queue(state, TEST_EVENT, {"message": _("This is a test from the community. It works!")}, only=endpoint)
    state.db.session.commit()


def signed_headers(secret: str, key: str, payload: str) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery; ``webhook-id`` is the same on every retry."""
    now = dt.datetime.now(dt.UTC)
    message_id = key.split(":", 1)[0]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, payload),
    }


def secret_of(state: ForumState, endpoint_id: int) -> str | None:
    """The signing secret of an endpoint, read when a delivery goes (``None`` once the endpoint is removed)."""
    Endpoint = state.models.WebhookEndpoint
    return state.db.session.scalar(sa.select(Endpoint.secret).where(Endpoint.id == endpoint_id))


def recent(state: ForumState, endpoint_id: int, *, limit: int = 8) -> list[Any]:
    """The last deliveries to one endpoint, newest first: their event, state and the status codes answered."""
    Out = state.models.OutgoingPost
    rows = state.db.session.scalars(
        sa.select(Out).where(Out.endpoint_id == endpoint_id).order_by(Out.id.desc()).limit(limit)
    )
    return [(json.loads(row.payload).get("type", "?"), row) for row in rows]
