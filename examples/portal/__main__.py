"""``python -m examples.portal``: seed the demo database if it is empty, then serve on 127.0.0.1."""

from __future__ import annotations

import argparse
import threading
from typing import Any

from .app import create_app
from .seed import seed


def start_desk_worker(app: Any) -> None:
    """The demo runs the desk worker in a thread; a real portal runs ``flask forum desk run`` beside gunicorn."""
    from forum import get_state
    from forum.worker import run_forever

    def work() -> None:
        with app.app_context():
            run_forever(get_state(app), interval=3.0)

    threading.Thread(target=work, name="desk-worker", daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the demo portal with the community mounted at /community.")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    app = create_app()
    seed(app)
    start_desk_worker(app)
    print(f"\n  The demo portal is at http://{args.host}:{args.port}/  (community: /community/)")
    print("  Log in as ana, ben, sam or dana; every password is: demo\n")
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
