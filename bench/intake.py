"""A desk's ticket intake for the delivery benchmarks: takes a signed ticket request, answers with its id.

``BENCH_INTAKE_DELAY`` (seconds) makes each answer take that long, like a real desk's API.
"""

import os
import time

from flask import Flask, request

app = Flask(__name__)
DELAY = float(os.environ.get("BENCH_INTAKE_DELAY", "0"))


@app.get("/")
def ready() -> str:
    return "ready"


@app.post("/tickets")
def ticket() -> tuple[dict[str, str], int]:
    if DELAY:
        time.sleep(DELAY)
    return {"ticket_id": request.get_json()["key"]}, 201
