"""Production's shape with real processes: two gunicorn web processes, three ``flask forum desk run`` workers,
one PostgreSQL, a slow signed-webhook desk with no lookup, a real SMTP server, a team chat; and Redis.

Every ticket is POSTed once, every notice e-mailed once, every chat post delivered once, nothing left waiting;
with Redis, a change made through one web process shows at once on a guest page the other one kept.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from conftest import postgres_database, postgres_reason
from helpers import PREFIX
from hostapp import Member, create_app, db
from servers import fake_desk, free_port, wait_for

from forum import get_state
from forum.notifications.delivery import save_preferences

pytestmark = pytest.mark.slow
TESTS = Path(__file__).resolve().parent
SECRET = "whsec_" + "dG9wb2xvZ3ktdGVzdC1zZWNyZXQtMTIzNDU2Nzg="
QUESTIONS = int(os.environ.get("FORUM_TEST_TOPOLOGY_QUESTIONS", "60"))
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reason() -> str | None:
    """Why the Redis tests cannot run here, or None."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as conn:
            conn.sendall(b"PING\r\n")
            if not conn.recv(16).startswith(b"+PONG"):
                return "something answers on 127.0.0.1:6379, but it is not Redis"
    except OSError as error:
        return f"no Redis answers on 127.0.0.1:6379 ({error})"
    return None


class ChatSink(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []
    lock = threading.Lock()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with ChatSink.lock:
            ChatSink.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _env(**values: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(TESTS), **values}


@contextmanager
def processes(commands: list[tuple[list[str], dict[str, str]]]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start each command as its own OS process; stop them all at the end, whatever happened."""
    started = [
        subprocess.Popen(cmd, env=env, cwd=TESTS, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for cmd, env in commands
    ]
    try:
        yield started
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


def gunicorn(port: int, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    return ([sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "topology_app:app"], env)


def worker(env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    args = ["forum", "worker", "--interval", "0.3"]
    return ([sys.executable, "-m", "flask", "--app", "topology_app:app", *args], env)


def wait_until_up(base: str) -> None:
    def up() -> bool:
        try:
            return httpx.get(f"{base}{PREFIX}/", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=30)


def sign_in(base: str, key: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30, follow_redirects=False)
    assert client.post("/login", data={"key": key}).status_code == 302
    return client


@pytest.fixture
def pg_url() -> Iterator[str]:
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    with postgres_database() as url:
        app = create_app(url)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url


def _people(app: Any) -> tuple[Member, Member]:
    with app.app_context():
        asker = Member(full_name="Ana Asker", email="ana@example.com")
        helper = Member(full_name="Hugo Helper", email="hugo@example.com")
        db.session.add_all([asker, helper])
        db.session.commit()
        state = get_state(app)
        everything = {"answer": "email", "ticket": "email", "reply": "email", "accepted": "email"}
        for person in (asker, helper):
            save_preferences(state, state.users.to_forum_user(person), everything)
        db.session.commit()
        for person in (asker, helper):
            db.session.refresh(person)
            db.session.expunge(person)
        return asker, helper


def _rows(app: Any, sql: str) -> list[Any]:
    with app.app_context():
        return list(db.session.execute(sa.text(sql)).all())


def _count(app: Any, sql: str) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.text(sql)) or 0)


def test_two_web_processes_and_three_workers_do_every_job_exactly_once(pg_url):
    app = create_app(pg_url, WTF_CSRF_ENABLED=False)
    asker, helper = _people(app)
    chat = ThreadingHTTPServer(("127.0.0.1", 0), ChatSink)
    threading.Thread(target=chat.serve_forever, daemon=True).start()
    ChatSink.received = []
    inbox, smtp_port = Inbox(), free_port()
    from aiosmtpd.controller import Controller

    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    try:
        with fake_desk() as (desk_url, desk):
            desk.delay = 0.5  # the desk takes its time answering each ticket (it has made it already)
            env = _env(
                FORUM_TEST_DATABASE=pg_url,
                FORUM_TEST_DESK_URL=desk_url,
                FORUM_TEST_DESK_SECRET=SECRET,
                FORUM_TEST_DESK_TIMEOUT="2",
                FORUM_TEST_SMTP_PORT=str(smtp_port),
                FORUM_TEST_CHAT_URL=f"http://127.0.0.1:{chat.server_address[1]}/chat",
                FORUM_TEST_CSRF="0",
            )
            ports = [free_port(), free_port()]
            with processes([gunicorn(p, env) for p in ports]):
                bases = [f"http://127.0.0.1:{p}" for p in ports]
                for base in bases:
                    wait_until_up(base)
                asking, answering = sign_in(bases[0], asker.key), sign_in(bases[1], helper.key)
                threads = []
                for n in range(QUESTIONS):
                    made = asking.post(
                        f"{PREFIX}/ask",
                        data={"category_id": "1", "title": f"Printer number {n:03d} is offline", "body": "It says so."},
                    )
                    assert made.status_code == 302, made.text
                    thread_id = int(made.headers["Location"].split("/t/")[1].split("/")[0])
                    threads.append(thread_id)
                    assert (
                        answering.post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "Restart it."}).status_code
                        == 302
                    )
                    handed = asking.post(f"{PREFIX}/t/{thread_id}/ask-it-team", data={})
                    assert handed.status_code == 302, handed.text
                # Someone on the IT team likes every answer, through both web processes: the badges, levels and
                # "liked" notices wait for the workers.
                with app.app_context():
                    agent = Member(full_name="Dana Desk", email="dana@example.com", is_staff=True)
                    db.session.add(agent)
                    db.session.commit()
                    agent_key = agent.key
                answers = [r[0] for r in _rows(app, "SELECT id FROM forum_post WHERE NOT is_question ORDER BY id")]
                liking = [sign_in(base, agent_key) for base in bases]
                for n, answer in enumerate(answers):
                    liked = liking[n % 2].post(f"{PREFIX}/p/{answer}/like", headers={"HX-Request": "true"})
                    assert liked.status_code == 200 and 'aria-pressed="true"' in liked.text, liked.text[:500]
                with processes([worker(env) for _ in range(3)]) as workers:

                    def left() -> dict[str, int]:
                        return {
                            "desk jobs not done": _count(
                                app, "SELECT count(*) FROM forum_desk_job WHERE state <> 'done'"
                            ),
                            "e-mails waiting": _count(
                                app,
                                "SELECT count(*) FROM forum_notification WHERE email_state IN ('pending', 'sending')",
                            ),
                            "chat posts waiting": _count(
                                app, "SELECT count(*) FROM forum_outgoing WHERE state <> 'done'"
                            ),
                            "follow-ups of likes waiting": _count(app, "SELECT count(*) FROM forum_followup"),
                            "search changes waiting": _count(
                                app, "SELECT count(*) FROM forum_search_change WHERE wanted > done"
                            ),
                        }

                    def settle(jobs: int) -> None:
                        def done() -> bool:
                            made = _count(app, "SELECT count(*) FROM forum_desk_job")
                            return made >= jobs and not any(left().values())

                        try:
                            wait_for(done, timeout=180, every=0.5)
                        except AssertionError:
                            for w in workers:
                                w.terminate()
                            outputs = [w.communicate(timeout=30)[0].decode()[-2000:] for w in workers]
                            raise AssertionError(f"left over: {left()}; the workers said: {outputs}") from None

                    settle(QUESTIONS)
                    for thread_id in threads:  # the second wave, while the workers run
                        second = answering.post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "Any luck?"})
                        assert second.status_code == 302
                    settle(2 * QUESTIONS)
                    time.sleep(2)  # another pass of every worker: nothing more may go out
                    assert all(w.poll() is None for w in workers)
    finally:
        smtp.stop()
        chat.shutdown()

    created = [r for r, h in zip(desk.requests, desk.headers, strict=True) if "title" in r]
    comments = [r for r in desk.requests if "title" not in r]
    assert len(created) == QUESTIONS  # every ticket POSTed exactly once, no lookup needed
    assert len({r["key"] for r in created}) == QUESTIONS
    assert len(comments) == QUESTIONS and len({(c["ticket_id"], c["text"]) for c in comments}) == QUESTIONS
    message_ids = [m["Message-ID"] for m in inbox.messages]
    sent = _count(app, "SELECT count(*) FROM forum_notification WHERE email_state = 'sent'")
    assert sent >= 2 * QUESTIONS  # at least an answer and the ticket for each asker
    assert len(message_ids) == len(set(message_ids)) == sent  # every notice e-mailed exactly once
    texts = [m["text"] for m in ChatSink.received]
    assert len(texts) == len(set(texts)) == QUESTIONS  # one chat post per new question, exactly once
    assert _count(app, "SELECT count(*) FROM forum_outgoing WHERE state = 'done'") == QUESTIONS
    # Every like told its answer's author exactly once, and every answer is its own search document.
    likes = _rows(app, "SELECT count, message FROM forum_notification WHERE kind = 'like' ORDER BY id")
    assert len(likes) == QUESTIONS and {count for count, _ in likes} == {1}
    assert all(message.startswith("Dana Desk liked your answer") for _, message in likes)
    assert _count(app, "SELECT count(*) FROM forum_search_doc WHERE kind = 'post'") == 2 * QUESTIONS
    badges = _rows(app, "SELECT badge, count(*) FROM forum_badge_award GROUP BY badge")
    assert {"first-answer": 1, "helpful": 1, "supporter": 1}.items() <= dict(badges).items()  # each once


@contextmanager
def redis_web_processes(pg_url: str, **settings: str) -> Iterator[tuple[Member, Member, list[str]]]:
    """Two gunicorn web processes sharing PostgreSQL and Redis (under a prefix of their own, emptied afterwards);
    yields the asker, the helper and the two base addresses."""
    reason = redis_reason()
    if reason:
        pytest.skip(reason)
    asker, helper = _people(create_app(pg_url))
    prefix = f"forum-test-{uuid.uuid4().hex[:8]}:"
    env = _env(
        FORUM_TEST_DATABASE=pg_url,
        FORUM_TEST_REDIS_URL=REDIS_URL,
        FORUM_TEST_REDIS_PREFIX=prefix,
        FORUM_TEST_CSRF="0",
        **settings,
    )
    ports = [free_port(), free_port()]
    try:
        with processes([gunicorn(p, env) for p in ports]):
            bases = [f"http://127.0.0.1:{p}" for p in ports]
            for base in bases:
                wait_until_up(base)
            yield asker, helper, bases
    finally:
        import redis

        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


def ask(client: httpx.Client, title: str, body: str) -> int:
    """Ask through a web process; returns the new thread's id."""
    made = client.post(f"{PREFIX}/ask", data={"category_id": "1", "title": title, "body": body})
    return int(made.headers["Location"].split("/t/")[1].split("/")[0])


def test_with_redis_a_change_through_one_web_process_shows_at_once_on_the_others_kept_page(pg_url):
    with redis_web_processes(pg_url, FORUM_TEST_GUEST_CACHE_SECONDS="300") as (asker, helper, (reader, writer)):
        thread_id = ask(sign_in(writer, asker.key), "Wifi drops in room 4", "Often.")
        guest = f"{reader}{PREFIX}/t/{thread_id}"
        first = httpx.get(guest)
        assert "Often." in first.text and first.headers["Cache-Control"] == "public, max-age=0, s-maxage=300"
        assert httpx.get(guest).text == first.text  # kept by the reader process
        german = {"Accept-Language": "de"}
        kept_german = httpx.get(guest, headers=german)  # each language kept apart, never the other's page
        assert "Zum Antworten anmelden" in kept_german.text and kept_german.headers["Vary"].count("Accept-Language")
        assert httpx.get(guest, headers=german).text == kept_german.text and httpx.get(guest).text == first.text
        answering = sign_in(writer, helper.key)
        assert answering.post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "Forget the network."}).status_code == 302
        assert "Forget the network." in httpx.get(guest).text  # at once, though the reader kept the page
        now_german = httpx.get(guest, headers=german).text
        assert "Forget the network." in now_german and "1 Antwort<" in now_german  # and in German too


def test_with_redis_a_renamed_category_shows_at_once_on_the_other_processs_front_page(pg_url):
    """Each process keeps the categories and the week's top helpers for the front page; Redis retires them."""
    app = create_app(pg_url)
    with app.app_context():
        boss = Member(full_name="Ada Admin", email="ada@example.com", is_admin=True)
        db.session.add(boss)
        db.session.commit()
        boss_key = boss.key
    with redis_web_processes(pg_url) as (asker, helper, (reader, writer)):
        ask(sign_in(writer, asker.key), "Scanner sends blank pages", "Since the update.")
        reading = sign_in(reader, helper.key)
        before = reading.get(f"{PREFIX}/").text
        assert "Scanner sends blank pages" in before and "Everyday help" not in before
        renamed = sign_in(writer, boss_key).post(
            f"{PREFIX}/admin/categories/1", data={"name": "Everyday help", "description": "All sorts."}
        )
        assert renamed.status_code in (302, 303)
        after = reading.get(f"{PREFIX}/").text
        assert after.count("Everyday help") >= 2  # in the list of categories and on the question's row


def test_without_redis_another_processs_change_shows_within_the_guest_cache_seconds(people_factory):
    from helpers import make_thread

    keep = 4  # seconds: long enough that a busy CI machine answers through the other app well inside it
    app, client, people = people_factory(FORUM_GUEST_CACHE_SECONDS=keep)
    other = create_app(app.config["SQLALCHEMY_DATABASE_URI"], FORUM_GUEST_CACHE_SECONDS=keep)  # its own state
    thread_id = make_thread(app, people.asker, title="Monitor flickers after lunch")
    guest = app.test_client()
    asked_at = time.monotonic()
    assert "Turn off night light." not in guest.get(f"{PREFIX}/t/{thread_id}").text
    kept_at = time.monotonic()  # the page was kept between asked_at and now
    make_thread  # noqa: B018 (the answer below comes from the other app, as from another process)
    from helpers import forum_user

    from forum.threads import posting

    with other.app_context():
        state = get_state(other)
        thread = db.session.get(state.models.Thread, thread_id)
        posting.add_answer(state, forum_user(other, people.helper), thread, "Turn off night light.")
    assert time.monotonic() - asked_at < keep, "the answer took longer than the kept page lives; nothing to check"
    assert "Turn off night light." not in guest.get(f"{PREFIX}/t/{thread_id}").text  # this process kept its page
    time.sleep(max(0.0, kept_at + keep + 0.1 - time.monotonic()))  # FORUM_GUEST_CACHE_SECONDS, the README's bound
    assert "Turn off night light." in guest.get(f"{PREFIX}/t/{thread_id}").text


def test_with_redis_a_rate_limit_holds_across_two_web_processes(pg_url):
    """A newcomer's 3 answers in 5 minutes are counted once for both processes: the 4th is refused by either."""
    with redis_web_processes(pg_url, FORUM_TEST_RATE_LIMITS="1") as (asker, helper, (one, two)):
        thread_id = ask(sign_in(one, asker.key), "Printer queue is stuck", "Since noon.")
        sessions = [sign_in(one, helper.key), sign_in(two, helper.key)]
        codes = [
            sessions[n % 2].post(f"{PREFIX}/t/{thread_id}/answer", data={"body": f"Idea {n}"}).status_code
            for n in range(4)
        ]
        assert codes == [302, 302, 302, 429]  # answers 1 and 3 went to one process, 2 and 4 to the other
        refused = sessions[1].post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "Idea 5"})
        assert refused.status_code == 429 and "new members can post 3 answers in 5 minutes" in refused.text


def test_meaning_measured_by_a_worker_process_reaches_every_web_process_and_goes_with_a_deletion(pg_url):
    """Vectors are written by one worker process; each web process keeps its own copy and must not hide them."""
    asker, helper = _people(create_app(pg_url))
    env = _env(FORUM_TEST_DATABASE=pg_url, FORUM_TEST_CSRF="0")
    ports = [free_port(), free_port()]
    typed = {"title": "my laptop can't see the wifi", "attempt": "t1"}  # no word in common with the thread

    def suggested(client: httpx.Client) -> bool:
        return "Wireless network not detected" in client.get(f"{PREFIX}/suggest", params=typed).text

    with processes([gunicorn(p, env) for p in ports]):
        bases = [f"http://127.0.0.1:{p}" for p in ports]
        for base in bases:
            wait_until_up(base)
        askers = [sign_in(base, asker.key) for base in bases]
        assert not any(suggested(c) for c in askers)  # each process has read the (empty) vectors once
        thread_id = ask(askers[0], "Wireless network not detected after update", "The office network is gone.")
        answering = sign_in(bases[1], helper.key)
        answering.post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "Update the adapter's driver, then restart."})
        answer_id = _count(
            create_app(pg_url), f"SELECT id FROM forum_post WHERE thread_id = {thread_id} AND NOT is_question"
        )
        assert askers[1].post(f"{PREFIX}/t/{thread_id}/accept", data={"post_id": str(answer_id)}).status_code == 303
        assert not any(suggested(c) for c in askers)  # solved, but not measured yet: words alone do not find it
        with processes([worker(env)]):
            wait_for(lambda: all(suggested(c) for c in askers), timeout=30)
            question_id = _count(
                create_app(pg_url), f"SELECT id FROM forum_post WHERE thread_id = {thread_id} AND is_question"
            )
            assert askers[1].post(f"{PREFIX}/p/{question_id}/delete").status_code in (302, 303)
            wait_for(lambda: not any(suggested(c) for c in askers), timeout=30)
