"""The old home of the escalation policy, kept because the README named ``forum.escalation.escalation_due``."""

from __future__ import annotations

from .desk.escalation import escalate
from .desk.policy import EscalationRules, countdown_text, escalation_due

__all__ = ["EscalationRules", "countdown_text", "escalate", "escalation_due"]
