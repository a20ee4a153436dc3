"""Team chat: posts announcements and new questions to a Slack or Microsoft Teams incoming webhook.

Enable it with ``FORUM_PLUGINS = [ChatWebhook("https://hooks.slack.com/services/...")]`` (or
``style="teams"``). Messages go through the forum's outbox (the ``forum_outgoing`` hook): the worker sends
each once, retries a chat that is down, and lists one that refused for good on the desk admin page, so a
slow chat never slows a page and a restart loses nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from .events import ForumEvent
from .hookspecs import hookimpl
from .outgoing import OutgoingPost, send
from .retry import Failure

log = logging.getLogger("forum.chat")

#: Which events go to chat by default.
DEFAULT_EVENTS = ("thread_created", "announcement_published", "announcement_updated")


def message_text(event: ForumEvent) -> str | None:
    """The chat line for an event, in plain words; None for events chat does not hear about."""
    if event.name == "thread_created":
        return f"New question in the community, waiting for an answer: {event.title}"
    if event.name == "announcement_published":
        services = event.data.get("services")
        return f"Announcement: {event.title}" + (f" (affects {services})" if services else "")
    if event.name == "announcement_updated":
        return f"Update on “{event.title}”: {event.data.get('status', '')}. {event.data.get('text', '')}".strip()
    return None


def payload(event: ForumEvent, text: str, style: str) -> dict[str, Any]:
    """The JSON an incoming webhook expects: Slack's ``text`` with a link, or a Teams Adaptive Card."""
    if style == "teams":
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [{"type": "TextBlock", "text": text, "wrap": True}],
                        "actions": [{"type": "Action.OpenUrl", "title": "Open", "url": event.url}],
                    },
                }
            ],
        }
    return {"text": f"{text} <{event.url}|Open>", "unfurl_links": False}


class ChatWebhook:
    """A plugin that copies chosen forum events to a team chat's incoming webhook."""

    def __init__(
        self, url: str, *, style: str = "slack", events: tuple[str, ...] = DEFAULT_EVENTS, timeout: float = 5.0
    ) -> None:
        if style not in ("slack", "teams"):
            raise ValueError('ChatWebhook style must be "slack" or "teams".')
        self.url, self.style, self.events, self.timeout = url, style, events, timeout

    @hookimpl
    def forum_outgoing(self, event: ForumEvent) -> list[OutgoingPost]:
        text = message_text(event) if event.name in self.events else None
        if text is None:
            return []
        return [OutgoingPost(self.url, payload(event, text, self.style))]

    def post(self, body: dict[str, Any]) -> bool:
        """Send one message now; False (and a log line) when the chat did not take it."""
        try:
            send(self.url, body, timeout=self.timeout)
            return True
        except Failure as error:
            log.warning("The chat webhook did not take the message: %s", error.message)
            return False


__all__ = ["ChatWebhook", "message_text", "payload"]
