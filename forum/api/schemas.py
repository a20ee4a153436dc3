"""The shapes of the API's requests and answers: marshmallow schemas that validate what comes in and describe,
through apispec, the OpenAPI document, so the document and the checks can never disagree."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from ..gamification.leaderboard import PERIODS
from ..models.base import MAX_ID
from ..notifications.following import LEVELS
from ..threads import listing

ID = validate.Range(min=1, max=MAX_ID, error="Please send a number from 1 to {max}.")


class UtcDateTime(fields.DateTime):
    """A time in UTC, written the RFC 3339 way (``2026-11-28T09:30:00Z``, see ``shapes.when``)."""


class In(Schema):
    """A request body: a field we do not know is refused, so a typo is not silently ignored."""

    class Meta:
        unknown = RAISE


class Query(Schema):
    """Query arguments: ones we do not know (a cache-buster) are left alone."""

    class Meta:
        unknown = EXCLUDE


class PageQuery(Query):
    limit = fields.Int(
        load_default=20, validate=validate.Range(min=1, max=50), metadata={"description": "How many, at most 50."}
    )
    cursor = fields.Str(
        load_default=None, metadata={"description": "The `next_cursor` of the previous page; leave out to start."}
    )


class ThreadQuery(PageQuery):
    category = fields.Str(load_default=None, metadata={"description": "A category's slug."})
    tag = fields.Str(load_default=None, validate=validate.Length(max=40), metadata={"description": "A keyword."})
    solved = fields.Str(load_default="all", validate=validate.OneOf(listing.SOLVED_FILTERS))
    sort = fields.Str(
        load_default="activity",
        validate=validate.OneOf(listing.SORTS),
        metadata={"description": "`activity`: latest activity first; `newest`: newest question first."},
    )


class SearchQuery(Query):
    q = fields.Str(required=True, validate=validate.Length(max=500), metadata={"description": "The words to find."})
    solved = fields.Bool(load_default=False, metadata={"description": "Only solved questions."})
    category = fields.Str(load_default=None, metadata={"description": "A category's slug."})
    tag = fields.Str(load_default=None, validate=validate.Length(max=40))
    cursor = fields.Str(load_default=None)


class SuggestQuery(Query):
    title = fields.Str(load_default="", validate=validate.Length(max=500))
    body = fields.Str(load_default="", validate=validate.Length(max=20_000))


class BoardQuery(Query):
    period = fields.Str(load_default="week", validate=validate.OneOf(list(PERIODS)))
    category = fields.Str(load_default=None, metadata={"description": "A category's slug; leave out for all."})
    limit = fields.Int(load_default=10, validate=validate.Range(min=1, max=50))


class NewQuestionIn(In):
    title = fields.Str(required=True)
    body = fields.Str(required=True, metadata={"description": "Markdown."})
    category_id = fields.Int(required=True, strict=True, validate=ID)
    tags = fields.List(
        fields.Str(validate=validate.Length(max=40)), load_default=list, validate=validate.Length(max=10)
    )


class NewAnswerIn(In):
    body = fields.Str(required=True, metadata={"description": "Markdown."})


class AcceptedAnswerIn(In):
    post_id = fields.Int(
        required=True, strict=True, validate=ID, metadata={"description": "The answer that solved it."}
    )


class FollowLevelIn(In):
    level = fields.Str(required=True, validate=validate.OneOf(LEVELS))


class NewAnnouncementIn(In):
    kind = fields.Str(required=True, metadata={"description": "outage, maintenance, upgrade or news."})
    title = fields.Str(required=True)
    body = fields.Str(required=True, metadata={"description": "Markdown."})
    services = fields.Str(load_default="", validate=validate.Length(max=300))
    severity = fields.Str(load_default="info")
    starts_at = fields.Str(load_default=None, metadata={"description": "When it starts, `YYYY-MM-DDTHH:MM` (UTC)."})
    ends_at = fields.Str(load_default=None, metadata={"description": "When it should be over, `YYYY-MM-DDTHH:MM`."})
    category_id = fields.Int(load_default=None, strict=True, validate=ID)


class PersonOut(Schema):
    id = fields.Str(required=True, metadata={"description": "The portal's key for this person."})
    name = fields.Str(required=True)
    level = fields.Int(
        required=True, metadata={"description": "0 Newcomer, 1 Member, 2 Regular, 3 Superuser, 4 Champion."}
    )
    level_name = fields.Str(required=True)
    url = fields.Str(required=True, metadata={"description": "Their profile page."})


class CategoryOut(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    slug = fields.Str(required=True)


class ThreadOut(Schema):
    id = fields.Int(required=True)
    title = fields.Str(required=True)
    url = fields.Str(required=True)
    category = fields.Nested(CategoryOut, required=True)
    tags = fields.List(fields.Str(), required=True)
    author = fields.Nested(PersonOut, required=True)
    created_at = UtcDateTime(required=True)
    last_activity_at = UtcDateTime(required=True)
    answer_count = fields.Int(required=True)
    solved = fields.Bool(required=True)
    accepted_answer_id = fields.Int(required=True, allow_none=True)
    pinned = fields.Bool(required=True)


class PostOut(Schema):
    id = fields.Int(required=True)
    thread_id = fields.Int(required=True)
    is_question = fields.Bool(required=True)
    author = fields.Nested(PersonOut, required=True)
    body_html = fields.Str(required=True, metadata={"description": "Sanitised HTML, as the page shows it."})
    body = fields.Str(required=True, metadata={"description": "The Markdown the author wrote."})
    created_at = UtcDateTime(required=True)
    edited_at = UtcDateTime(required=True, allow_none=True)
    like_count = fields.Int(required=True)
    accepted = fields.Bool(required=True)
    liked = fields.Bool(
        required=True, allow_none=True, metadata={"description": "Whether you liked it; null for guests."}
    )
    url = fields.Str(required=True)


class ThreadPageOut(Schema):
    items = fields.List(fields.Nested(ThreadOut), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class ThreadDetailOut(ThreadOut):
    question = fields.Nested(PostOut, required=True)
    answers = fields.List(fields.Nested(PostOut), required=True, metadata={"description": "Oldest first."})
    next_cursor = fields.Str(required=True, allow_none=True, metadata={"description": "For the next answers."})
    favourite = fields.Bool(required=True, allow_none=True)
    following = fields.Str(required=True, allow_none=True)


class HitOut(Schema):
    kind = fields.Str(required=True, metadata={"description": "`thread` or `article`."})
    id = fields.Int(required=True)
    answer_id = fields.Int(required=True, allow_none=True, metadata={"description": "The answer that matched."})
    title = fields.Str(required=True)
    snippet = fields.Str(required=True, metadata={"description": "Plain text around the words found."})
    solved = fields.Bool(required=True)
    url = fields.Str(required=True)


class HitPageOut(Schema):
    items = fields.List(fields.Nested(HitOut), required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class HitListOut(Schema):
    items = fields.List(fields.Nested(HitOut), required=True)


class NotificationOut(Schema):
    id = fields.Int(required=True)
    kind = fields.Str(required=True)
    message = fields.Str(required=True)
    thread_id = fields.Int(required=True, allow_none=True)
    post_id = fields.Int(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)
    read = fields.Bool(required=True)
    url = fields.Str(required=True)


class NotificationPageOut(Schema):
    items = fields.List(fields.Nested(NotificationOut), required=True)
    unread = fields.Int(required=True)
    next_cursor = fields.Str(required=True, allow_none=True)


class MarkedOut(Schema):
    marked = fields.Int(required=True, metadata={"description": "How many were unread."})


class AnnouncementOut(Schema):
    id = fields.Int(required=True)
    kind = fields.Str(required=True)
    title = fields.Str(required=True)
    body_html = fields.Str(required=True)
    services = fields.Str(required=True)
    severity = fields.Str(required=True)
    status = fields.Str(required=True)
    starts_at = UtcDateTime(required=True, allow_none=True)
    ends_at = UtcDateTime(required=True, allow_none=True)
    published_at = UtcDateTime(required=True)
    closed_at = UtcDateTime(required=True, allow_none=True)
    url = fields.Str(required=True)


class AnnouncementListOut(Schema):
    items = fields.List(fields.Nested(AnnouncementOut), required=True)


class RankOut(Schema):
    rank = fields.Int(required=True)
    person = fields.Nested(PersonOut, required=True)
    points = fields.Int(required=True)


class BoardOut(Schema):
    period = fields.Str(required=True)
    category = fields.Nested(CategoryOut, required=True, allow_none=True)
    items = fields.List(fields.Nested(RankOut), required=True)


class BadgeOut(Schema):
    slug = fields.Str(required=True)
    name = fields.Str(required=True)
    description = fields.Str(required=True)
    earned_at = UtcDateTime(required=True)


class ProfileOut(Schema):
    person = fields.Nested(PersonOut, required=True)
    points = fields.Int(required=True)
    rank = fields.Int(required=True, allow_none=True, metadata={"description": "Place on the all-time board."})
    badges = fields.List(fields.Nested(BadgeOut), required=True)


class MeOut(ProfileOut):
    scopes = fields.List(fields.Str(), required=True, metadata={"description": "What this call may do."})
    unread = fields.Int(required=True, metadata={"description": "Notifications not read yet."})


class TicketEventOut(Schema):
    at = UtcDateTime(required=True)
    text = fields.Str(required=True)


class TicketOut(Schema):
    handed = fields.Bool(required=True, metadata={"description": "Whether the IT team has been asked."})
    ticket_id = fields.Str(required=True, allow_none=True, metadata={"description": "Null while the desk is asked."})
    status = fields.Str(required=True, allow_none=True)
    status_text = fields.Str(required=True, allow_none=True)
    asked_at = UtcDateTime(required=True, allow_none=True)
    resolved_at = UtcDateTime(required=True, allow_none=True)
    can_ask = fields.Bool(required=True, metadata={"description": "Whether you may ask the IT team now."})
    events = fields.List(fields.Nested(TicketEventOut), required=True)


class LikeOut(Schema):
    liked = fields.Bool(required=True)
    like_count = fields.Int(required=True)


class FavouriteOut(Schema):
    favourite = fields.Bool(required=True)


class FollowOut(Schema):
    level = fields.Str(required=True)


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True, metadata={"description": "What went wrong and what to do, in plain words."})
    errors = fields.Dict(
        keys=fields.Str(),
        values=fields.List(fields.Str()),
        metadata={"description": "Per field, what is wrong with it."},
    )
