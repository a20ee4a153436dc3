"""Moderation: flags, the review queue, thread states, silenced members, rate limits, spam rules, the audit log."""
