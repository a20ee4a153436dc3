"""A desk's ticket intake for the delivery benchmark: takes a signed ticket request, answers with its id."""

from flask import Flask, request

app = Flask(__name__)


@app.get("/")
def ready() -> str:
    return "ready"


@app.post("/tickets")
def ticket() -> tuple[dict[str, str], int]:
    return {"ticket_id": request.get_json()["key"]}, 201
