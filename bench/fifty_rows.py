"""A second baseline: a bare Flask page that reads 50 rows with SQLAlchemy and lists them with Jinja."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string

app = Flask(__name__)
engine = sa.create_engine(os.environ["PORTAL_DATABASE_URL"])
PAGE = """<!doctype html><title>50 rows</title><ul>{% for row in rows %}
<li id="p{{ row.id }}"><a href="/p/{{ row.id }}">{{ row.created_at }}</a>
{{ row.body_html|safe }}</li>{% endfor %}</ul>"""


@app.get("/")
def fifty() -> str:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT id, created_at, body_html FROM forum_post WHERE thread_id = 1 ORDER BY created_at LIMIT 50")
        ).all()
    return render_template_string(PAGE, rows=rows)
