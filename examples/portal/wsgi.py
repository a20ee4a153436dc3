"""The demo portal for a WSGI server: ``gunicorn examples.portal.wsgi:app``."""

from .app import create_app

app = create_app()
