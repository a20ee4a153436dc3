"""The forum's one blueprint, in a module of its own so the view modules can import it without a circle."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint(
    "forum",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)
