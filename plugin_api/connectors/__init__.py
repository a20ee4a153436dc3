"""The connectors shipped with the forum: Request Tracker 5, a signed webhook, and e-mail."""
