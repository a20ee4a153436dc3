"""Helpers for browser tests: the demo portal on a loopback port, and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("FORUM_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


def chromium_reason() -> str | None:
    """Why browser tests cannot run here, or ``None``."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium is not installed at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install playwright)"
    return None


@contextmanager
def serve(app: Any, port: int = 0) -> Iterator[str]:
    """Serve a WSGI app on a loopback port (a free one by default) in a thread; yields its base URL."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    reason = chromium_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def demo_app(tmp_path_factory: Any, name: str, **config: Any) -> Any:
    """The demo portal with its seeded community, in a SQLite file of its own, as the browser tests use it."""
    from examples.portal.app import create_app
    from examples.portal.seed import seed

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp(name) / 'demo.db'}", **config)
    seed(app)
    return app


def log_in(page: Any, base: str, username: str) -> None:
    """Sign in on the demo portal's own login page."""
    page.goto(f"{base}/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def no_sideways_scroll(page: Any) -> None:
    """Nothing pushes the page sideways (on a phone, long words and wide tables must wrap)."""
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def shot(page: Any, name: str) -> None:
    """Keep a screenshot for people to look at (screenshots/ is not committed)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
