"""The forum in the reader's language: marked words, complete catalogues, the locale each page picks, plurals,
pages with no English left over, notices and e-mails in the recipient's language, dates in their time zone."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from conftest import _reset
from helpers import PREFIX, forum_user, login, make_thread
from hostapp import Member, create_app, db
from servers import free_port
from test_desk_servers import Inbox, smtp_server
from test_notifications import mail_pass
from words import unmarked

from forum import get_state
from forum.i18n import SHIPPED, in_locale, ngettext
from forum.threads import posting

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "forum" / "translations"
LOCALES = ("de", "fr", "es")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|</?[a-z]+")


def catalogue(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "forum.po", "rb") as f:
        return read_po(f, locale=locale)


def test_every_word_people_read_is_marked_for_translation():
    found = unmarked()
    assert found == {}, "Unmarked words (mark them with _() or {% trans %}, or say why not):\n" + "\n".join(
        f"{name}: {words}" for name, words in found.items()
    )


def test_the_catalogue_template_holds_exactly_the_words_the_code_marks(tmp_path):
    sys.path.insert(0, str(ROOT))
    from dev import extract_command

    fresh = tmp_path / "forum.pot"
    subprocess.run(extract_command(fresh), cwd=ROOT, check=True, capture_output=True)
    with open(fresh, "rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    for locale in LOCALES:
        shipped = {m.id for m in catalogue(locale) if m.id}
        assert shipped == wanted, (
            f"{locale}: run `python3 dev.py translations`, then translate. "
            f"Missing: {sorted(map(str, wanted - shipped))[:5]}; no longer used: {sorted(map(str, shipped - wanted))[:5]}"
        )


@pytest.mark.parametrize("locale", LOCALES)
def test_each_shipped_locale_is_complete_and_keeps_every_placeholder(locale):
    found = catalogue(locale)
    assert len(found) > 1000
    problems = []
    for message in found:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(f"not translated: {ids[0]!r}")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])))
        problems += [f"{ids[0]!r} -> {s!r}" for s in strings if sorted(set(PLACEHOLDER.findall(s))) != wanted]
    assert problems == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_shipped_compiled_catalogue_is_the_po_file_compiled(locale):
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(locale))
    compiled.seek(0)
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "forum.mo", "rb") as f:
        shipped = gettext.GNUTranslations(f)
    assert shipped._catalog == gettext.GNUTranslations(compiled)._catalog, "run `python3 dev.py translations`"


def test_shipped_locales_are_found_from_the_compiled_catalogues():
    assert set(SHIPPED) == {"en", "de", "fr", "es"}


# --- which language a page is in ---------------------------------------------------------------------------------


def _page(client, path, **headers):
    response = client.get(f"{PREFIX}{path}", headers=headers)
    assert response.status_code == 200, response.text[:300]
    return response


def test_the_browser_chooses_among_the_shipped_languages_and_pages_say_which(app, client):
    german = _page(client, "/", **{"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert "Eine Frage stellen" in german.text and 'id="forum-root" lang="de"' in german.text
    assert german.headers["Content-Language"] == "de" and "Accept-Language" in german.headers["Vary"]
    # The first language the browser prefers that the forum has: no Italian, so French.
    assert "Poser une question" in _page(client, "/", **{"Accept-Language": "it-IT, fr;q=0.8, de;q=0.5"}).text
    # Nothing the forum has: the default, English.
    assert "Ask a question" in _page(client, "/", **{"Accept-Language": "ja"}).text
    assert "Ask a question" in _page(client, "/").text


def test_a_persons_own_choice_beats_the_browser_and_the_default_serves_the_rest(app, client, people):
    with app.app_context():
        db.session.get(Member, people.asker.key).locale = "es_MX"
        db.session.commit()
    login(client, people.asker)
    page = _page(client, "/", **{"Accept-Language": "de"})
    assert "Hacer una pregunta" in page.text and 'lang="es"' in page.text


def _host(database_url, **config):
    app = create_app(database_url, **config)
    _reset(app)
    return app


def _done(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_hosts_own_locale_selector_decides_first_and_the_hosts_pages_keep_theirs(database_url):
    app = _host(database_url, locale_selector=lambda: "fr", FORUM_DEFAULT_LOCALE="de")
    client = app.test_client()
    assert "Poser une question" in _page(client, "/", **{"Accept-Language": "es"}).text
    assert client.get("/host-language").text == "fr"  # the host's own page: the host's choice, untouched
    _done(app)
    # A host whose selector names a language the forum lacks: the forum goes on down its own list.
    app = _host(database_url, locale_selector=lambda: "it", FORUM_DEFAULT_LOCALE="de")
    client = app.test_client()
    assert "Eine Frage stellen" in _page(client, "/").text
    assert client.get("/host-language").text == "it"
    _done(app)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", ["0 answers", "1 answer", "2 answers", "5 answers"]),
        ("de", ["0 Antworten", "1 Antwort", "2 Antworten", "5 Antworten"]),
        ("fr", ["0 réponse", "1 réponse", "2 réponses", "5 réponses"]),
        ("es", ["0 respuestas", "1 respuesta", "2 respuestas", "5 respuestas"]),
    ],
)
def test_plurals_follow_each_languages_own_rules(app, locale, expected):
    with app.test_request_context(), in_locale(locale):
        said = [ngettext("%(count)s answer", "%(count)s answers", n, count=n) for n in (0, 1, 2, 5)]
    assert said == expected


def test_a_thread_page_counts_its_answers_in_the_readers_language(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    assert "1 Antwort<" in _page(client, f"/t/{thread_id}", **{"Accept-Language": "de"}).text
    make_thread(app, people.asker, title="A second question here", answers=[])
    home = _page(client, "/", **{"Accept-Language": "fr"}).text
    assert "<strong>0</strong>réponse" in home and "<strong>1</strong>réponse" in home


# --- no English left on any page ---------------------------------------------------------------------------------


class _Visible(HTMLParser):
    """The words a reader sees or hears: text and read attributes, leaving out scripts, code and English parts."""

    SKIP = {"script", "style", "code", "pre"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("br", "img", "input", "meta", "link", "hr", "source"):
            if not self._hidden():
                self.parts += [v for k, v in attrs if k in ("alt", "placeholder", "aria-label", "title") and v]
            return
        self.stack.append((tag, tag in self.SKIP or values.get("lang") == "en"))
        if not self._hidden():
            self.parts += [v for k, v in attrs if k in ("aria-label", "title", "placeholder") and v]

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def visible(html: str) -> str:
    """The forum's part of a page as a reader gets it (the host's banner and layout are the host's)."""
    start = html.find('id="forum-root"')
    parser = _Visible()
    parser.feed(html[html.rfind("<", 0, start) :] if start >= 0 else html)
    return " ".join(" ".join(parser.parts).split())


def english_phrases(locale: str) -> list[str]:
    """Pieces of the English catalogue a translated page must not show: whole runs of words, not single words."""
    phrases = set()
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            for piece in re.split(r"%\([a-z_]+\)s|<[^>]+>", english):
                piece = " ".join(piece.split()).strip(" .,:;·“”\"'()")
                if len(piece) >= 14 and len(piece.split()) >= 3 and all(piece not in s for s in strings):
                    phrases.add(piece)
    return sorted(phrases)


def test_every_page_of_every_role_is_in_german_french_and_spanish_with_no_english_left(database_url):
    from accessibility import site_pages
    from test_accessibility import _fill_host

    app = _host(database_url, FORUM_DESK_CONNECTOR="memory")
    filled = _fill_host(app)
    leftovers = []
    try:
        for role in ("guest", "member", "agent"):
            client = app.test_client()
            if role != "guest":
                assert client.post("/login", data={"key": filled["keys"][role]}).status_code == 302
            pages = site_pages(app, PREFIX, role, filled["ids"].get(role))
            for locale in LOCALES:
                phrases = english_phrases(locale)
                for name, url in pages.items():
                    response = client.get(url, headers={"Accept-Language": locale})
                    assert response.status_code in (200, 404), (name, response.status_code)
                    assert f'id="forum-root" lang="{locale}"' in response.text, (locale, name)
                    text = visible(response.text)
                    leftovers += [f"{locale} {role} {name}: {p!r}" for p in phrases if p in text]
    finally:
        _done(app)
    assert leftovers == []


# --- notices, e-mails and dates for each reader ------------------------------------------------------------------


def test_a_notice_written_by_a_german_speaker_reaches_a_french_reader_in_french(app, client, people):
    with app.app_context():
        db.session.get(Member, people.asker.key).locale = "fr"
        db.session.commit()
    thread_id = make_thread(app, people.asker, title="Mon imprimante ne marche plus")
    german = app.test_client()
    login(german, people.helper)
    with app.test_request_context(headers={"Accept-Language": "de"}):
        state = get_state(app)
        thread = state.db.session.get(state.models.Thread, thread_id)
        posting.add_answer(state, forum_user(app, people.helper), thread, "Starte sie neu.")
        state.db.session.commit()
    login(client, people.asker)
    page = _page(client, "/notifications", **{"Accept-Language": "de"})  # the person's choice wins: French
    assert "Hugo Helper a répondu à votre question « Mon imprimante ne marche plus »." in page.text
    # The same stored notice, read by someone whose portal is in Spanish, would say it in Spanish.
    with app.app_context():
        state = get_state(app)
        N = state.models.Notification
        row = state.db.session.scalar(sa.select(N).where(N.kind == "answer"))
        from forum.i18n import shown

        with app.test_request_context(), in_locale("es"):
            assert (
                shown(row.message, row.params) == "Hugo Helper respondió a tu pregunta «Mon imprimante ne marche plus»."
            )


def test_emails_and_digests_go_out_in_the_recipients_language_not_the_senders(people_factory):
    port = free_port()
    app, _client, people = people_factory(
        FORUM_MAIL_SERVER="127.0.0.1", FORUM_MAIL_PORT=port, FORUM_SITE_URL="https://portal.example.com"
    )
    from forum.notifications.delivery import save_preferences

    with app.app_context():
        db.session.get(Member, people.asker.key).locale = "de"
        db.session.get(Member, people.helper.key).locale = "es"
        db.session.commit()
        save_preferences(get_state(app), forum_user(app, people.helper), {"answer": "digest"})
    asked = make_thread(app, people.asker, title="Drucker druckt leere Seiten")
    answered = make_thread(app, people.helper, title="La VPN se corta")
    with app.test_request_context(headers={"Accept-Language": "fr"}):  # the writer reads French
        state = get_state(app)
        for thread_id, writer in ((asked, people.helper), (answered, people.asker)):
            thread = state.db.session.get(state.models.Thread, thread_id)
            posting.add_answer(state, forum_user(app, writer), thread, "Try this.")
        state.db.session.commit()
    inbox = Inbox()
    controller = smtp_server(port, inbox)
    try:
        result = mail_pass(app)
        assert (result["mail_sent"], result["digests"]) == (1, 1)
    finally:
        controller.stop()
    by_person = {recipients[0]: message for recipients, message in inbox.messages}
    notice = by_person["ana@example.com"]
    assert notice["Subject"] == "Hugo Helper hat deine Frage „Drucker druckt leere Seiten“ beantwortet."
    assert notice["Content-Language"] == "de"
    body = notice.get_payload(decode=True).decode()
    assert body.startswith("Hallo Ana Asker,") and "Öffnen: https://portal.example.com" in body
    digest = by_person["hugo@example.com"]
    assert digest["Subject"] == "Tu resumen diario de Community help: 1 novedad"
    body = digest.get_payload(decode=True).decode()
    assert "Ana Asker respondió a tu pregunta «La VPN se corta»." in body


def test_dates_and_times_are_in_the_readers_zone_and_way_of_writing(app, client, people):
    import datetime as dt

    from forum.notifications import announcements

    with app.app_context():
        member = db.session.get(Member, people.asker.key)
        member.locale, member.timezone = "de", "Europe/Berlin"
        db.session.commit()
        found = announcements.publish(
            get_state(app),
            forum_user(app, people.agent),
            kind="maintenance",
            title="Mail server upgrade",
            body="Mail is off for an hour.",
            severity="minor",
            starts_at=dt.datetime(2027, 1, 15, 17, 0),
        )
        announcement_id = found.id
    login(client, people.asker)
    page = _page(client, f"/announcements/{announcement_id}").text
    assert "Fr., 15. Jan. 2027, 18:00 MEZ" in page  # 17:00 UTC is 18:00 in Berlin in January
    assert "Geplante Wartung" in page


def test_a_right_to_left_language_turns_the_page_around(app):
    from forum.i18n import page_direction

    with app.test_request_context():
        with in_locale("de"):
            assert page_direction() == "ltr"
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("ar"):  # as if a host had added an Arabic catalogue
        assert page_direction() == "rtl"
    css = (ROOT / "forum" / "static" / "forum" / "forum.css").read_text()
    assert not re.search(r"(margin|padding|border)-(left|right)|text-align: *(left|right)|[;{ ](left|right): ", css)


def test_a_host_adds_a_fourth_language_and_rewords_a_shipped_one_from_its_own_directory(database_url, tmp_path):
    from babel.messages.catalog import Catalog

    for locale, words in (("it", "Fai una domanda"), ("de", "Neue Frage stellen")):
        found = Catalog(locale=locale, domain="forum")
        found.add("Ask a question", words)
        folder = tmp_path / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "forum.mo", "wb") as f:
            write_mo(f, found)
    app = _host(database_url, FORUM_TRANSLATION_DIRECTORIES=[str(tmp_path)])
    client = app.test_client()
    italian = _page(client, "/", **{"Accept-Language": "it-IT"})
    assert "Fai una domanda" in italian.text and 'id="forum-root" lang="it"' in italian.text
    german = _page(client, "/", **{"Accept-Language": "de"}).text
    assert "Neue Frage stellen" in german and "Unbeantwortet" in german  # the host's word, the forum's for the rest
    _done(app)


@pytest.mark.parametrize(
    "header",
    ["", ";;;,,q=abc", "de;q=NaN, *", "x" * 5000, "zz-ZZ, ..;q=1", "de\u0301", "en;q=0.9, de;q=1.0e500"],
)
def test_odd_languages_and_time_zones_never_break_a_page(app, client, people, header):
    with app.app_context():
        member = db.session.get(Member, people.asker.key)
        member.locale, member.timezone = "no_LOCALE_x", "Mars/Olympus_Mons"
        db.session.commit()
    login(client, people.asker)
    response = client.get(f"{PREFIX}/", headers={"Accept-Language": header})
    assert response.status_code == 200
    assert 'id="forum-root" lang="' in response.text


# --- search in each document's language ---------------------------------------------------------------------------


def test_a_german_question_finds_german_answers_by_word_form_and_french_by_its_own(app, client, people):
    from helpers import index_search

    german = make_thread(
        app,
        people.asker,
        title="Drucker druckt nur leere Seiten",
        body="Der Toner ist voll, aber alle Seiten sind leer. Was kann ich tun?",
        answers=[(people.helper, "Öffne die Klappe und schüttle die Tonerkartusche, dann geht es wieder.")],
    )
    french = make_thread(
        app,
        people.helper,
        title="L'imprimante du deuxième étage ne marche plus",
        body="Je ne peux pas imprimer depuis ce matin, et les autres non plus.",
    )
    make_thread(app, people.agent, title="Printing from the tablet", body="The printer is not in the list.")
    index_search(app)
    with app.app_context():
        state = get_state(app)
        docs = {d.ref_id: d for d in state.db.session.scalars(sa.select(state.models.SearchDoc)) if d.kind == "thread"}
    assert (docs[german].config, docs[french].config) == ("german", "french")
    # Word forms that appear nowhere as written: German stems them to what the thread says.
    for words in ("Druckers", "Tonerkartuschen", "druckten Seite"):
        page = client.get(f"{PREFIX}/search", query_string={"q": words}, headers={"Accept-Language": "de"})
        assert "Drucker druckt nur leere Seiten" in page.text, words
    page = client.get(f"{PREFIX}/search", query_string={"q": "imprimantes"}, headers={"Accept-Language": "fr"})
    assert "imprimante du deuxième étage" in page.text
    # English stemming still serves English.
    assert "Printing from the tablet" in client.get(f"{PREFIX}/search", query_string={"q": "printers"}).text
