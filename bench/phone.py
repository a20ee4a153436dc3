"""How a thread page sits on a 360 x 740 touch phone, in Chromium: where the heading and the question are, and how
many controls are smaller than 24 px. Prints figures; asserts nothing.

    .venv/bin/python bench/phone.py            # this checkout
    git worktree add /tmp/before <commit> && PYTHONPATH=/tmp/before .venv/bin/python bench/phone.py /tmp/before

The demo is seeded into a fresh SQLite file; "ana" reads thread 11, first with the demo's announcement banner,
then after hiding it.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path

ROOT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MEASURE = """() => {
  const top = e => Math.round(e.getBoundingClientRect().top + scrollY);
  const question = document.querySelector('.post.question .post-text');
  const controls = [...document.querySelectorAll('#forum-root button, #forum-root a, #forum-root summary, '
      + '#forum-root select, #forum-root input:not([type=hidden])')]
    .filter(e => e.offsetParent !== null && !e.closest('.post-text'));
  const small = controls.filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; });
  return {heading_top: top(document.querySelector('h1')), question_top: top(question),
          question_bottom: Math.round(question.getBoundingClientRect().bottom + scrollY),
          controls: controls.length, under_24px: small.length,
          sideways_px: document.documentElement.scrollWidth - innerWidth};
}"""


def main() -> None:
    from browser import CHROMIUM, CHROMIUM_ARGS, log_in, serve
    from playwright.sync_api import sync_playwright

    from examples.portal.app import create_app
    from examples.portal.seed import seed

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = create_app(f"sqlite:///{tempfile.mkdtemp()}/phone.db")
    seed(app)
    with serve(app) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True).new_page()
        log_in(page, base, "ana")
        page.goto(f"{base}/community/t/11")
        print("as it opens:      ", json.dumps(page.evaluate(MEASURE)))
        hide = page.get_by_role("button", name="Hide")
        if hide.count():
            hide.first.click()
            page.wait_for_load_state()
            page.reload()
            print("banner hidden:    ", json.dumps(page.evaluate(MEASURE)))
        browser.close()


if __name__ == "__main__":
    main()
