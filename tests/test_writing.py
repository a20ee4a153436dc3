"""Writing help: plain-words tips while typing, the glossary the IT team edits, a preview, @mentions that link,
and readers saying whether an answer was easy to follow."""

from __future__ import annotations

import html
import re

import pytest
import textstat
from helpers import PREFIX, csrf_token, follow_up, forum_user, login, make_thread, post_form

JARGON = (
    "Flush DNS from the command prompt, then reconnect the VPN client. If SSO still fails, clear the browser "
    "cache and check the proxy settings in the registry, because the GPO may have changed them overnight "
    "without telling anyone in the office about it."
)
PLAIN = "Restart your laptop. Then open Outlook again. It should work now."


def tips(client, body: str, kind: str = "answer", title: str = "") -> str:
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(
        f"{PREFIX}/writing/tips", data={"csrf_token": token, "body": body, "title": title, "kind": kind}
    )
    assert response.status_code == 200, response.text
    return html.unescape(response.text)


def said(page: str) -> str:
    """What a person reads: the words without the tags."""
    return " ".join(re.sub(r"<[^>]+>", "", page).split())


# The rules, without a request ---------------------------------------------------------------------------------


def test_jargon_is_flagged_with_plain_words_and_plain_text_is_not():
    from forum.writing import advice
    from forum.writing.glossary import Term, key_of
    from forum.writing.words import BUILT_IN

    words = {key_of(t): Term(t, p) for t, p in BUILT_IN}
    heavy = advice.advise(JARGON, words)
    flagged = {found.term for found in heavy.jargon}
    assert {"flush DNS", "command prompt", "VPN client", "SSO", "cache", "proxy", "registry", "GPO"} <= flagged
    assert "DNS" not in flagged  # the longer "flush DNS" is the term that was used
    assert heavy.long_sentences and heavy.long_sentences[0][1] > advice.LONG_SENTENCE
    plain = advice.advise(PLAIN, words)
    assert plain.jargon == [] and plain.abbreviations == [] and plain.long_sentences == [] and plain.tips == 0


def test_words_in_code_are_left_alone_and_unknown_abbreviations_are_asked_about():
    from forum.writing import advice
    from forum.writing.glossary import Term

    words = {"dns": Term("DNS", "the internet's address book")}
    found = advice.advise("Run `ipconfig /flushdns` and tell me what DNS says.\n\n```\nDNS=10.0.0.1\n```", words)
    assert [f.term for f in found.jargon] == ["DNS"]
    explained = advice.advise("The KMS (key management server) is down. The XQZ is too.", words)
    assert explained.abbreviations == ["XQZ"]


def test_the_reading_ease_is_textstats_own_figure():
    from forum.writing import advice

    text = (
        "Open the printer queue from the start menu. Cancel every document in it. "
        "Turn the printer off, wait ten seconds and turn it on again. Print one page to check."
    )
    found = advice.advise(text, {})
    assert found.reading_ease == textstat.flesch_reading_ease(advice.prose(text)[0])
    assert advice.advise("Too short to judge.", {}).reading_ease is None


def test_steps_without_a_list_get_a_reminder_and_a_numbered_list_does_not():
    from forum.writing import advice

    steps = "Open Settings. Then click Network. Select Wi-Fi and press Forget. Then connect again."
    assert advice.advise(steps, {}, kind="answer").number_the_steps
    assert not advice.advise(steps, {}, kind="question").number_the_steps
    listed = "1. Open Settings.\n2. Click Network.\n3. Select Wi-Fi and press Forget.\n4. Then connect again."
    assert not advice.advise(listed, {}, kind="answer").number_the_steps


# The side note while typing -------------------------------------------------------------------------------------


def test_the_side_note_flags_jargon_and_praises_plain_words(app, client, people):
    login(client, people.helper)
    raw = tips(client, JARGON)
    heavy = said(raw)
    assert "command prompt: not everyone knows this word. Try “the black window where you type commands”." in heavy
    assert "A sentence of" in heavy and "Try splitting it in two." in heavy
    figure = float(re.search(r'data-reading-ease="([^"]+)"', raw).group(1))
    from forum.writing.advice import prose

    assert figure == pytest.approx(textstat.flesch_reading_ease(prose(JARGON)[0]))
    assert "Clear and plain." in tips(client, PLAIN)
    assert "appear here as you type" in tips(client, "   ")


def test_the_side_note_takes_odd_input_calmly(app, client, people):
    login(client, people.helper)
    assert "Clear and plain." in tips(client, "Fine, thanks.", kind="nonsense")
    token = csrf_token(client, f"{PREFIX}/ask")
    nul = client.post(f"{PREFIX}/writing/tips", data={"csrf_token": token, "body": "Fine\x00 thanks."})
    assert nul.status_code == 400 and "invisible character" in nul.text
    huge = tips(client, "word " * 20000)
    assert "Reading ease" in huge
    guest = app.test_client()
    refused = guest.post(f"{PREFIX}/writing/tips", data={"csrf_token": token, "body": "x"})
    assert refused.status_code in (302, 401)


# The glossary the IT team edits ---------------------------------------------------------------------------------


def test_the_it_team_adds_rewords_and_removes_terms_and_tips_follow(app, client, people):
    login(client, people.agent)
    page = client.get(f"{PREFIX}/admin/glossary")
    assert page.status_code == 200
    total = int(re.search(r"(\d+) terms in use", page.text).group(1))
    assert total >= 100
    glossary_url = f"{PREFIX}/admin/glossary"
    added = post_form(
        client, glossary_url, glossary_url, {"term": "  Teams   room ", "plain": "the meeting room screen"}
    )
    assert added.status_code == 303
    reworded = post_form(client, glossary_url, glossary_url, {"term": "dns", "plain": "the phone book of websites"})
    assert reworded.status_code == 303
    listed = html.unescape(client.get(f"{glossary_url}?q=teams").text)
    assert "Teams room" in listed and "Added or changed by the IT team" in listed
    note = said(tips(client, "The teams ROOM shows no picture and DNS fails."))
    assert "Teams room: not everyone knows this word. Try “the meeting room screen”." in note
    assert "DNS: not everyone knows this word. Try “the phone book of websites”." in note

    removed = post_form(client, glossary_url, f"{PREFIX}/admin/glossary/remove", {"term": "DNS"})
    assert removed.status_code == 303
    assert "DNS:" not in said(tips(client, "The DNS fails."))
    assert int(re.search(r"(\d+) terms in use", client.get(glossary_url).text).group(1)) == total


def test_bad_glossary_input_is_explained_and_changes_nothing(app, client, people):
    login(client, people.agent)
    url = f"{PREFIX}/admin/glossary"
    before = client.get(url).text
    count = re.search(r"(\d+) terms in use", before).group(1)
    empty = post_form(client, url, url, {"term": "   ", "plain": "something"})
    assert empty.status_code == 400 and "Please type the word or phrase to look out for." in empty.text
    long = post_form(client, url, url, {"term": "x" * 61, "plain": "something"})
    assert long.status_code == 400 and "60 characters or fewer" in long.text
    no_plain = post_form(client, url, url, {"term": "kiosk"})
    assert no_plain.status_code == 400 and "Please say what to write instead" in no_plain.text
    gone = post_form(client, url, f"{PREFIX}/admin/glossary/remove", {"term": "no such term"})
    assert gone.status_code == 404
    assert re.search(r"(\d+) terms in use", client.get(url).text).group(1) == count


def test_only_the_it_team_edits_the_glossary(app, client, people):
    login(client, people.helper)
    assert client.get(f"{PREFIX}/admin/glossary").status_code == 403
    assert client.get(f"{PREFIX}/admin/too-technical").status_code == 403


# Preview and @mentions -------------------------------------------------------------------------------------------


def test_the_preview_is_the_sanitised_post_with_mentions_linked(app, client, people):
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/ask")
    shown = client.post(
        f"{PREFIX}/writing/preview",
        data={"csrf_token": token, "body": "**Hi** @HugoHelper <script>alert(1)</script> [x](javascript:alert(1))"},
    ).text
    assert "<strong>Hi</strong>" in shown
    assert "<script" not in shown and "&lt;script&gt;" in shown and 'href="javascript' not in shown
    assert re.search(r'<a class="mention" href="/help/community/u/[0-9a-f-]+">@HugoHelper</a>', shown)


def test_a_posted_mention_links_to_the_persons_profile_and_unknown_ones_stay_text(app, client, people):
    thread_id = make_thread(
        app, people.asker, answers=[(people.helper, "Ask @AnaAsker or @nobody, or mail ana@example.com. `@AnaAsker`")]
    )
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    with app.app_context():
        asker_id = forum_user(app, people.asker).id
    assert f'<a class="mention" href="{PREFIX}/u/{asker_id}">@AnaAsker</a>' in page
    assert "@nobody" in page and 'href="mailto' not in page
    assert "<code>@AnaAsker</code>" in page


def test_people_to_mention_come_with_names_and_pictures_but_no_e_mail(app, client, people):
    login(client, people.asker)
    found = client.get(f"{PREFIX}/writing/people?q=hug").get_json()
    assert found == [
        {"handle": "HugoHelper", "name": "Hugo Helper", "avatar": None, "initials": "HH", "colour": found[0]["colour"]}
    ]
    assert client.get(f"{PREFIX}/writing/people?q=ana asker").get_json() == []  # never yourself
    assert client.get(f"{PREFIX}/writing/people?q=%00%00").status_code == 400  # the NUL guard says why
    assert client.get(f"{PREFIX}/writing/people?q=" + "a" * 5000).status_code == 200


# "Easy to follow" and "Too technical" ------------------------------------------------------------------------------


def _rate(client, thread_id: int, post_id: int, verdict: str, **headers: str):
    return post_form(
        client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/{post_id}/clarity", {"verdict": verdict}, headers=headers
    )


def _answer_id(app, thread_id: int) -> int:
    import sqlalchemy as sa

    from forum import get_state

    with app.app_context():
        Post = get_state(app).models.Post
        return get_state(app).db.session.scalar(
            sa.select(Post.id).where(Post.thread_id == thread_id, ~Post.is_question)
        )


def test_readers_rate_an_answer_and_only_its_author_and_the_it_team_see_the_counts(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Run ipconfig and flush the DNS.")])
    answer_id = _answer_id(app, thread_id)
    login(client, people.asker)
    pressed = _rate(client, thread_id, answer_id, "technical", **{"HX-Request": "true"})
    assert pressed.status_code == 200
    assert re.search(r'class="clarity-button pressed" aria-pressed="true">Too technical', pressed.text)
    assert "Readers:" not in client.get(f"{PREFIX}/t/{thread_id}").text  # the asker is a reader, not the author

    login(client, people.helper)
    assert "Readers: 0 found it easy to follow, 1 too technical" in client.get(f"{PREFIX}/t/{thread_id}").text
    own = _rate(client, thread_id, answer_id, "easy", **{"HX-Request": "true"})
    assert own.status_code == 403 and "This is your own answer." in html.unescape(own.text)

    login(client, people.agent)
    assert _rate(client, thread_id, answer_id, "easy").status_code == 303
    board = html.unescape(client.get(f"{PREFIX}/admin/too-technical").text)
    assert "Outlook will not open today" in board and "Hugo Helper" in board

    login(client, people.asker)
    changed = _rate(client, thread_id, answer_id, "easy", **{"HX-Request": "true"})
    assert 'aria-pressed="true">Easy to follow' in changed.text
    login(client, people.helper)
    assert "Readers: 2 found it easy to follow, 0 too technical" in client.get(f"{PREFIX}/t/{thread_id}").text
    login(client, people.agent)
    assert "No reader has found an answer too technical yet." in client.get(f"{PREFIX}/admin/too-technical").text


def test_a_rating_that_is_not_a_choice_is_refused_and_changes_nothing(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    answer_id = _answer_id(app, thread_id)
    login(client, people.asker)
    odd = _rate(client, thread_id, answer_id, "brilliant", **{"HX-Request": "true"})
    assert odd.status_code == 400 and "Please choose" in html.unescape(odd.text)
    assert _rate(client, thread_id, 999999999999, "easy").status_code == 404
    question = _rate(client, thread_id, answer_id - 1, "easy", **{"HX-Request": "true"})
    assert question.status_code == 404
    login(client, people.helper)
    assert "Readers:" not in client.get(f"{PREFIX}/t/{thread_id}").text


def test_five_answers_readers_found_easy_earn_the_plain_speaker_badge(app, people):
    from forum import get_state
    from forum.gamification import badges
    from forum.threads import posting
    from forum.writing import clarity

    with app.app_context():
        state = get_state(app)
        helper = forum_user(app, people.helper)
        readers = [forum_user(app, people.asker), forum_user(app, people.agent), forum_user(app, people.admin)]
        for n in range(5):
            thread_id = make_thread(app, people.asker, title=f"Printer {n} jams every morning")
            thread = posting.get_thread(state, thread_id, None)
            answer = posting.add_answer(state, helper, thread, "Open the tray and take out the paper.")
            clarity.vote(state, readers[0], answer, "easy")
            assert "plain-speaker" not in badges.earned(state, helper.id)
            clarity.vote(state, readers[1], answer, "easy")
            if n < 4:
                clarity.vote(state, readers[2], answer, "technical")
                clarity.vote(state, readers[2], answer, None)  # taken back
        assert clarity.easy_answers(state, helper.id) == 5
        assert "plain-speaker" not in badges.earned(state, helper.id)  # badges come from the worker's pass
    follow_up(app)
    with app.app_context():
        assert "plain-speaker" in badges.earned(get_state(app), helper.id)
