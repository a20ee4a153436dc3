"""The IT team's side: the escalation policy, the outbox that delivers to the desk, and ticket news coming back.

The public face, for hosts and the worker: :func:`escalate` and :func:`auto_escalate` hand threads over,
:func:`deliver_due` delivers the outbox, :func:`poll` and :func:`receive_webhook` bring ticket news back.
The connector itself is loaded once per app by :meth:`forum.state.ForumState.desk`.
"""

from __future__ import annotations

from .escalation import auto_escalate, escalate
from .outbox import deliver, deliver_due
from .updates import poll, receive_webhook

__all__ = ["auto_escalate", "deliver", "deliver_due", "escalate", "poll", "receive_webhook"]
