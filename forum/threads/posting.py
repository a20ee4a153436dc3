"""Asking, answering, editing and deleting: the rules, callable without a request."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlalchemy as sa
from flask import has_request_context, request

from .. import i18n, signals
from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..markup import link_mentions, mention_handles, render_markdown
from ..models import Post, Thread, get_row, utcnow
from ..moderation import limits, spam, states
from ..search import engine as search
from . import cache as thread_cache
from . import solutions

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9+#.\-]*$")
MAX_TAG_LENGTH = 30


def check_title(state: ForumState, title: str | None) -> str:
    """A title long enough to say what the problem is, short enough for a list."""
    text = " ".join((title or "").split())
    low, high = state.setting("FORUM_MIN_TITLE_LENGTH"), state.setting("FORUM_MAX_TITLE_LENGTH")
    if not text:
        raise ForumError(_("Please write a title that sums up your problem."), field="title")
    if len(text) < low:
        raise ForumError(
            _(
                'Your title is a bit short. Use at least %(low)s characters, for example "Outlook will not open '
                'on my laptop".',
                low=low,
            ),
            field="title",
        )
    if len(text) > high:
        raise ForumError(
            _(
                "Your title is %(length)s characters long. Please keep it under %(limit)s and put the details in "
                "the question itself.",
                length=len(text),
                limit=high + 1,
            ),
            field="title",
        )
    return text


#: "Your … is empty" for each kind of text, as whole sentences so each language can say them its own way.
EMPTY = {
    "post": _l("Your post is empty. Please write something first."),
    "question": _l("Your question is empty. Please write something first."),
    "answer": _l("Your answer is empty. Please write something first."),
    "article": _l("Your article is empty. Please write something first."),
    "announcement": _l("Your announcement is empty. Please write something first."),
    "update": _l("Your update is empty. Please write something first."),
    "idea": _l("Your idea is empty. Please write something first."),
}

#: "Your … is too long", for each kind of text.
TOO_LONG = {
    "post": _l(
        "Your post is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
    "question": _l(
        "Your question is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
    "answer": _l(
        "Your answer is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
    "article": _l(
        "Your article is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
    "announcement": _l(
        "Your announcement is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it "
        "into a question and a follow-up answer."
    ),
    "update": _l(
        "Your update is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
    "idea": _l(
        "Your idea is %(length)s characters long. The limit is %(limit)s. Please shorten it, or split it into a "
        "question and a follow-up answer."
    ),
}


def check_body(state: ForumState, body: str | None, *, what: str = "post") -> str:
    """Some text, and not more than the configured limit."""
    text = (body or "").strip()
    high = state.setting("FORUM_MAX_BODY_LENGTH")
    if not text:
        raise ForumError(EMPTY.get(what, EMPTY["post"]), field="body")
    if len(text) > high:
        raise ForumError(
            str(TOO_LONG.get(what, TOO_LONG["post"])) % {"length": i18n.number(len(text)), "limit": i18n.number(high)},
            field="body",
        )
    return text


def parse_tags(state: ForumState, raw: str | None) -> list[str]:
    """Turn "VPN, Outlook" into ``["outlook", "vpn"]``, or say what is wrong with them."""
    names: list[str] = []
    for part in re.split(r"[,\s]+", (raw or "").lower()):
        part = part.strip().lstrip("#")
        if not part or part in names:
            continue
        if len(part) > MAX_TAG_LENGTH or not TAG_PATTERN.match(part):
            raise ForumError(
                _(
                    '"%(word)s" cannot be a keyword. Keywords are single words of letters and numbers (up to '
                    "%(limit)s), like vpn or outlook.",
                    word=part[:40],
                    limit=MAX_TAG_LENGTH,
                ),
                field="tags",
            )
        names.append(part)
    limit = state.setting("FORUM_MAX_TAGS")
    if len(names) > limit:
        raise ForumError(_("Please use at most %(limit)s keywords.", limit=limit), field="tags")
    return sorted(names)


def _tags_for(state: ForumState, names: list[str]) -> list[Any]:
    """Existing tags by name, creating the missing ones (a unique index settles races)."""
    if not names:
        return []
    Tag = state.models.Tag
    session = state.db.session
    found = {t.name: t for t in session.scalars(sa.select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in found:
            try:
                with session.begin_nested():
                    tag = Tag(name=name)
                    session.add(tag)
                found[name] = tag
            except sa.exc.IntegrityError:
                found[name] = session.scalars(sa.select(Tag).where(Tag.name == name)).one()
    return [found[n] for n in names]


def get_category(state: ForumState, category_id: Any) -> Any:
    """The category to post in, or a message that it does not exist."""
    try:
        key = int(category_id)
    except (TypeError, ValueError):
        key = None
    category = state.db.session.get(state.models.Category, key) if key is not None else None
    if category is None:
        raise ForumError(_("Please pick one of the categories in the list."), field="category_id")
    return category


def _revision(state: ForumState, post: Post, editor: ForumUser, title: str | None) -> Any:
    """Save the post's current text as its next version."""
    post.revision_count = (post.revision_count or 0) + 1
    revision = state.models.PostRevision(
        post_id=post.id, number=post.revision_count, title=title, body_source=post.body_source, editor_id=editor.id
    )
    state.db.session.add(revision)
    return revision


def create_thread(
    state: ForumState, author: ForumUser, *, category_id: Any, title: str, body: str, tags: str = ""
) -> Any:
    """Post a new question; returns the thread."""
    m, session = state.models, state.db.session
    clean_title = check_title(state, title)
    clean_body = check_body(state, body, what="question")
    tag_names = parse_tags(state, tags)
    category = get_category(state, category_id)
    held = _screen(state, author, f"{clean_title}\n\n{clean_body}", clean_body, "question", title=clean_title)
    now = utcnow()
    thread = m.Thread(
        category_id=category.id, author_id=author.id, title=clean_title, created_at=now, last_activity_at=now
    )
    thread.tags = _tags_for(state, tag_names)
    session.add(thread)
    session.flush()
    post = m.Post(
        thread_id=thread.id,
        author_id=author.id,
        is_question=True,
        body_source=clean_body,
        body_html=body_html(state, clean_body),
        created_at=now,
    )
    session.add(post)
    session.flush()
    _revision(state, post, author, clean_title)
    if held is not None:  # nobody sees it, or hears of it, until a moderator lets it through
        spam.hold(state, post, *held)
        thread.unlisted_at = now
    search.mark(state, "thread", thread.id)
    session.commit()
    if held is None:
        signals.send(signals.thread_created, thread=thread, post=post)
    return thread


def _screen(
    state: ForumState,
    author: ForumUser,
    text: str,
    body: str,
    action: str,
    thread_id: int | None = None,
    *,
    title: str | None = None,
) -> tuple[str, str] | None:
    """Before a post is saved: what a level may post, a repeat, silence and the rate limits, mentions; and
    whether it waits for a check (returns why) instead of showing at once."""
    spam.refuse(state, author, text)
    spam.refuse_repeat(state, author, body, title=title, thread_id=thread_id)
    limits.allow(state, author, action)
    limits.check_mentions(state, author, len(mention_handles(body)))
    return spam.review_reason(state, author, body, thread_id=thread_id)


def body_html(state: ForumState, source: str) -> str:
    """What a post shows: its Markdown, sanitised, with each @mention of a member linked to their profile."""
    handles = mention_handles(source)
    people = state.users.find_by_handles(handles) if handles else {}
    # Under the portal's mount point too (SCRIPT_NAME=/portal); a post made outside a request (a worker) has none.
    root = request.script_root if has_request_context() else ""
    prefix = root + str(state.config.get("FORUM_URL_PREFIX") or "").rstrip("/")
    profiles = {handle: f"{prefix}/u/{quote(str(person.id), safe='')}" for handle, person in people.items()}
    return link_mentions(render_markdown(source), profiles)


def get_thread(state: ForumState, thread_id: Any, viewer: ForumUser | None) -> Thread:
    """A thread the viewer may see; deleted ones only for moderators."""
    return visible(state.db.session.get(state.models.Thread, thread_id), viewer)


def visible(thread: Thread | None, viewer: ForumUser | None) -> Thread:
    """The thread (or ``None``, not found) if the viewer may see it: deleted ones only for moderators."""
    if thread is None or (thread.is_deleted and not (viewer and viewer.is_moderator)):
        raise NotFound(_("We could not find that question. It may have been removed."))
    return thread


def question_of(state: ForumState, thread: Thread) -> Post | None:
    """The post that asks the thread's question."""
    posts = state.models.Post
    return state.db.session.scalar(sa.select(posts).where(posts.thread_id == thread.id, posts.is_question))


def get_post(state: ForumState, post_id: Any, viewer: ForumUser | None) -> Any:
    """A post the viewer may see; deleted ones only for moderators."""
    return visible_post(state.db.session.get(state.models.Post, post_id), viewer)


def visible_post(post: Post | None, viewer: ForumUser | None) -> Any:
    """The post (or ``None``, not found) if the viewer may see it: deleted ones only for moderators."""
    if post is None or (post.is_deleted and not (viewer and viewer.is_moderator)):
        raise NotFound(_("We could not find that post. It may have been removed."))
    return post


def add_answer(state: ForumState, author: ForumUser, thread: Thread, body: str) -> Any:
    """Answer a question; returns the new post."""
    if thread.is_deleted:
        raise ForumError(_("This question was removed, so it cannot take new answers."), status=409)
    states.refuse_answers(thread)
    clean_body = check_body(state, body, what="answer")
    held = _screen(state, author, clean_body, clean_body, "answer", thread.id)
    now = utcnow()
    post = state.models.Post(
        thread_id=thread.id,
        author_id=author.id,
        is_question=False,
        body_source=clean_body,
        body_html=body_html(state, clean_body),
        created_at=now,
    )
    session = state.db.session
    session.add(post)
    session.flush()
    _revision(state, post, author, None)
    Thread = state.models.Thread
    session.execute(
        sa.update(Thread)
        .where(Thread.id == thread.id)
        .values(answer_count=Thread.answer_count + 1, last_activity_at=now)
    )
    if held is not None:
        spam.hold(state, post, *held)
    search.mark(state, "post", post.id)
    session.commit()
    if held is None:
        signals.send(signals.answer_created, thread=thread, post=post)
    return post


def can_edit(user: ForumUser | None, post: Post) -> bool:
    """Authors edit their own posts; desk agents and admins edit any."""
    return user is not None and (user.id == post.author_id or user.is_moderator)


def edit_post(
    state: ForumState,
    editor: ForumUser,
    post: Post,
    *,
    body: str,
    title: str | None = None,
    category_id: Any = None,
    tags: str | None = None,
) -> Any:
    """Change a post, keeping the old text as a revision; returns the post."""
    if not can_edit(editor, post):
        raise NotAllowed(_("You can only edit your own posts."))
    clean_body = check_body(state, body, what="question" if post.is_question else "answer")
    spam.refuse(state, editor, clean_body)
    # Lock the thread, then the post (the order every change takes), and read the post as it is now:
    # two edits at the same moment both land, one after the other, each as its own revision. FOR NO KEY UPDATE,
    # as an UPDATE locks: a like being written to this post at the same moment, which holds the post's key for
    # its row and then waits for the thread, is not waited for.
    thread_cache.touch(state, [post.thread_id])
    state.db.session.refresh(post, with_for_update={"key_share": True})
    if post.is_deleted:
        state.db.session.rollback()
        raise ForumError(_("This post was removed. Restore it before editing."), status=409)
    thread = get_row(state.db.session, state.models.Thread, post.thread_id)
    new_title = None
    if post.is_question:
        new_title = check_title(state, title if title is not None else thread.title)
        if category_id is not None:
            thread.category_id = get_category(state, category_id).id
        if tags is not None:
            thread.tags = _tags_for(state, parse_tags(state, tags))
        thread.title = new_title
    if clean_body == post.body_source and (new_title is None or new_title == _last_title(state, post)):
        state.db.session.commit()
        return post
    post.body_source = clean_body
    post.body_html = body_html(state, clean_body)
    post.edited_at = utcnow()
    revision = _revision(state, post, editor, new_title)
    state.db.session.flush()
    search.mark(state, "post", post.id)
    state.db.session.commit()
    signals.send(signals.post_edited, post=post, revision=revision)
    return post


def _last_title(state: ForumState, post: Post) -> str | None:
    Rev = state.models.PostRevision
    return state.db.session.scalar(
        sa.select(Rev.title).where(Rev.post_id == post.id).order_by(Rev.number.desc()).limit(1)
    )


def revisions(state: ForumState, post: Post) -> list[Any]:
    """Every saved version of a post, newest first."""
    Rev = state.models.PostRevision
    return list(state.db.session.scalars(sa.select(Rev).where(Rev.post_id == post.id).order_by(Rev.number.desc())))


def can_delete(user: ForumUser | None, post: Post) -> bool:
    """Authors delete their own posts; desk agents and admins delete any."""
    return can_edit(user, post)


def can_undo_delete(state: ForumState, user: ForumUser | None, post: Post) -> bool:
    """People may take back deleting their own post for ``FORUM_UNDO_SECONDS``; a removal by someone else stays."""
    if user is None or post.deleted_at is None or post.deleted_by_id != user.id or post.author_id != user.id:
        return False
    return (utcnow() - post.deleted_at).total_seconds() <= float(state.setting("FORUM_UNDO_SECONDS"))


def undo_delete(state: ForumState, actor: ForumUser, post_id: Any) -> Post:
    """Bring back a post its author deleted a moment ago."""
    post = state.db.session.get(state.models.Post, post_id)
    if post is None or not post.is_deleted:
        raise NotFound(_("We could not find that post, or it is not deleted."))
    if not can_undo_delete(state, actor, post):
        raise NotAllowed(_("It is too late to undo that here. A desk agent can still bring the post back for you."))
    return _set_deleted(state, actor, post, False)


def set_deleted(state: ForumState, actor: ForumUser, post: Post, deleted: bool) -> Any:
    """Soft-delete or restore a post; the question takes its whole thread with it."""
    if deleted and not can_delete(actor, post):
        raise NotAllowed(_("You can only delete your own posts."))
    if not deleted and not actor.is_moderator:
        raise NotAllowed(_("Only desk agents can restore removed posts. Ask them if you need it back."))
    return _set_deleted(state, actor, post, deleted)


def _set_deleted(state: ForumState, actor: ForumUser, post: Post, deleted: bool) -> Post:
    if post.is_deleted == deleted:
        return post
    session = state.db.session
    now = utcnow()
    post.deleted_at = now if deleted else None
    post.deleted_by_id = actor.id if deleted else None
    Thread = state.models.Thread
    if post.is_question:
        session.execute(
            sa.update(Thread)
            .where(Thread.id == post.thread_id)
            .values(deleted_at=post.deleted_at, deleted_by_id=post.deleted_by_id)
        )
    else:
        step = -1 if deleted else 1
        session.execute(
            sa.update(Thread).where(Thread.id == post.thread_id).values(answer_count=Thread.answer_count + step)
        )
        if deleted:  # a removed answer cannot stay the one that solved it; remember who had chosen it
            solutions.forget_removed(state, actor, get_row(session, Thread, post.thread_id), post)
    if deleted:
        search.forget_post(state, post)
    else:
        search.mark(state, "thread", post.thread_id)
    session.commit()
    signals.send(signals.post_deleted, post=post, deleted=deleted)
    if not deleted and not post.is_question:
        solutions.bring_back(state, get_row(session, Thread, post.thread_id), post)
    return post
