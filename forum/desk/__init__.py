"""The IT team's side: loading the connector, the escalation policy, the outbox, and ticket updates coming back."""
