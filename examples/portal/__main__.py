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


def set_aside_if_outdated(app: Any) -> None:
    """A demo database made by an older version lacks newer columns: keep it aside and start a fresh one."""
    import datetime as dt
    import os

    import sqlalchemy as sa

    from .app import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
            return
        found = sa.inspect(db.engine)
        names = set(found.get_table_names())
        outdated = [
            table.name
            for table in db.metadata.sorted_tables
            if table.name in names
            and {c.name for c in table.columns} - {c["name"] for c in found.get_columns(table.name)}
        ]
        path = db.engine.url.database
        db.engine.dispose()
    if outdated:
        kept = f"{path}.{dt.datetime.now():%Y%m%d-%H%M%S}.old"
        for suffix in ("", "-wal", "-shm"):  # SQLite's journal files belong with the old database
            if os.path.exists(path + suffix):
                os.replace(path + suffix, kept + suffix)
        print(f"\n  Your demo database was made by an older version, so it is kept as {kept}")
        print("  and a fresh one is made now.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the demo portal with the community mounted at /community.")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    app = create_app()
    set_aside_if_outdated(app)
    seed(app)
    start_desk_worker(app)
    print(f"\n  The demo portal is at http://{args.host}:{args.port}/  (community: /community/)")
    print("  Log in as ana, ben, sam or dana; every password is: demo\n")
    app.run(host=args.host, port=args.port, threaded=True)


if __name__ == "__main__":
    main()
