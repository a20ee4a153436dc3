"""The forum's tables, built on the host's ``SQLAlchemy`` instance and keyed on the host's user key.

The host's user model is only known at run time, so the concrete classes are made by
:func:`build_models` from the typed shapes in this package (one module per capability), once per
``SQLAlchemy`` instance. ``state.models.Thread`` is typed as ``type[Thread]``, so editors and mypy
know every column; the columns that hold a host user's key are typed ``Any`` (their type is the host's).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from ..errors import NotFound
from ..i18n import _
from .base import (
    DEFAULT_CATEGORY,
    MAX_ID,
    TABLE_PREFIX,
    Shape,
    UserKey,
    affected,
    as_day,
    as_id,
    named_rows,
    utcnow,
)
from .desk import DeskJob, Escalation, WebhookReceipt
from .gamification import BadgeAward, Member, PointBucket, PointEvent
from .ideas import Idea, IdeaEvent, IdeaVote
from .moderation import AuditEntry, Flag, ReviewItem
from .notifications import (
    Announcement,
    AnnouncementPerson,
    AnnouncementUpdate,
    Follow,
    MailDigest,
    Notification,
    NotificationPref,
)
from .rewards import Redemption, Reward
from .search import Article, SearchChange, SearchDoc, SearchVector, SuggestionEvent
from .threads import Category, Favourite, Like, Post, PostRevision, Share, ShareVisit, Tag, Thread, TimelineEvent
from .tokens import AccessToken
from .work import Followup, OutgoingPost, TaskLease, WebhookEndpoint
from .writing import ClarityVote, GlossaryTerm

if TYPE_CHECKING:
    from flask_sqlalchemy import SQLAlchemy

__all__ = [
    "AccessToken",
    "DEFAULT_CATEGORY",
    "MAX_ID",
    "TABLE_PREFIX",
    "Announcement",
    "AnnouncementPerson",
    "AnnouncementUpdate",
    "Article",
    "AuditEntry",
    "BadgeAward",
    "Category",
    "ClarityVote",
    "DeskJob",
    "Escalation",
    "Favourite",
    "Flag",
    "Follow",
    "GlossaryTerm",
    "Idea",
    "IdeaEvent",
    "IdeaVote",
    "Like",
    "MailDigest",
    "Member",
    "Models",
    "Notification",
    "NotificationPref",
    "PointBucket",
    "PointEvent",
    "Post",
    "PostRevision",
    "Redemption",
    "ReviewItem",
    "Reward",
    "SearchDoc",
    "SearchVector",
    "SearchChange",
    "Shape",
    "Share",
    "ShareVisit",
    "SuggestionEvent",
    "Tag",
    "TaskLease",
    "Followup",
    "OutgoingPost",
    "WebhookEndpoint",
    "Thread",
    "TimelineEvent",
    "UserKey",
    "WebhookReceipt",
    "affected",
    "as_day",
    "as_id",
    "build_models",
    "get_row",
    "include_object",
    "is_forum_table",
    "models_for",
    "named_rows",
    "utcnow",
]

S = TypeVar("S", bound=Shape)

# The dataclass below names its fields after the shapes; these names let its annotations reach them.
_Category = Category
_Tag = Tag
_Thread = Thread
_Post = Post
_PostRevision = PostRevision
_Like = Like
_Favourite = Favourite
_Share = Share
_ShareVisit = ShareVisit
_Notification = Notification
_PointEvent = PointEvent
_PointBucket = PointBucket
_BadgeAward = BadgeAward
_Member = Member
_Article = Article
_SearchDoc = SearchDoc
_SearchVector = SearchVector
_SearchChange = SearchChange
_SuggestionEvent = SuggestionEvent
_Escalation = Escalation
_DeskJob = DeskJob
_TimelineEvent = TimelineEvent
_WebhookReceipt = WebhookReceipt
_Follow = Follow
_NotificationPref = NotificationPref
_MailDigest = MailDigest
_Announcement = Announcement
_AnnouncementUpdate = AnnouncementUpdate
_AnnouncementPerson = AnnouncementPerson
_TaskLease = TaskLease
_Followup = Followup
_OutgoingPost = OutgoingPost
_WebhookEndpoint = WebhookEndpoint
_GlossaryTerm = GlossaryTerm
_ClarityVote = ClarityVote
_Flag = Flag
_ReviewItem = ReviewItem
_AuditEntry = AuditEntry
_Idea = Idea
_IdeaVote = IdeaVote
_IdeaEvent = IdeaEvent
_Reward = Reward
_Redemption = Redemption
_AccessToken = AccessToken


@dataclass(frozen=True)
class Models:
    """The concrete model classes for one ``SQLAlchemy`` instance."""

    Category: type[_Category]
    Tag: type[_Tag]
    Thread: type[_Thread]
    Post: type[_Post]
    PostRevision: type[_PostRevision]
    Like: type[_Like]
    Favourite: type[_Favourite]
    Share: type[_Share]
    ShareVisit: type[_ShareVisit]
    Notification: type[_Notification]
    PointEvent: type[_PointEvent]
    PointBucket: type[_PointBucket]
    BadgeAward: type[_BadgeAward]
    Member: type[_Member]
    Article: type[_Article]
    SearchDoc: type[_SearchDoc]
    SearchVector: type[_SearchVector]
    SearchChange: type[_SearchChange]
    SuggestionEvent: type[_SuggestionEvent]
    Escalation: type[_Escalation]
    DeskJob: type[_DeskJob]
    TimelineEvent: type[_TimelineEvent]
    WebhookReceipt: type[_WebhookReceipt]
    Follow: type[_Follow]
    NotificationPref: type[_NotificationPref]
    MailDigest: type[_MailDigest]
    Announcement: type[_Announcement]
    AnnouncementUpdate: type[_AnnouncementUpdate]
    AnnouncementPerson: type[_AnnouncementPerson]
    TaskLease: type[_TaskLease]
    Followup: type[_Followup]
    OutgoingPost: type[_OutgoingPost]
    WebhookEndpoint: type[_WebhookEndpoint]
    GlossaryTerm: type[_GlossaryTerm]
    ClarityVote: type[_ClarityVote]
    Flag: type[_Flag]
    ReviewItem: type[_ReviewItem]
    AuditEntry: type[_AuditEntry]
    Idea: type[_Idea]
    IdeaVote: type[_IdeaVote]
    IdeaEvent: type[_IdeaEvent]
    Reward: type[_Reward]
    Redemption: type[_Redemption]
    AccessToken: type[_AccessToken]
    thread_tag: sa.Table
    user_key: UserKey
    user_model: type

    @property
    def tables(self) -> list[sa.Table]:
        """Every table the forum owns, in creation order."""
        return [
            self.Category.__table__,
            self.Tag.__table__,
            self.Thread.__table__,
            self.thread_tag,
            self.Post.__table__,
            self.PostRevision.__table__,
            self.Like.__table__,
            self.Favourite.__table__,
            self.Share.__table__,
            self.ShareVisit.__table__,
            self.Notification.__table__,
            self.PointEvent.__table__,
            self.PointBucket.__table__,
            self.BadgeAward.__table__,
            self.Member.__table__,
            self.Article.__table__,
            self.SearchDoc.__table__,
            self.SearchVector.__table__,
            self.SearchChange.__table__,
            self.SuggestionEvent.__table__,
            self.Escalation.__table__,
            self.DeskJob.__table__,
            self.TimelineEvent.__table__,
            self.WebhookReceipt.__table__,
            self.Follow.__table__,
            self.NotificationPref.__table__,
            self.MailDigest.__table__,
            self.Announcement.__table__,
            self.AnnouncementUpdate.__table__,
            self.AnnouncementPerson.__table__,
            self.TaskLease.__table__,
            self.Followup.__table__,
            self.WebhookEndpoint.__table__,
            self.OutgoingPost.__table__,
            self.GlossaryTerm.__table__,
            self.ClarityVote.__table__,
            self.Flag.__table__,
            self.ReviewItem.__table__,
            self.AuditEntry.__table__,
            self.Idea.__table__,
            self.IdeaVote.__table__,
            self.IdeaEvent.__table__,
            self.Reward.__table__,
            self.Redemption.__table__,
            self.AccessToken.__table__,
        ]


_built: weakref.WeakKeyDictionary[SQLAlchemy, Models] = weakref.WeakKeyDictionary()


def build_models(db: SQLAlchemy, user_model: type) -> Models:
    """Make (once per ``db``) the forum's model classes on the host's declarative base."""
    existing = _built.get(db)
    if existing is not None:
        if existing.user_model is not user_model:
            raise RuntimeError(
                f"The forum's tables on this SQLAlchemy instance already point at "
                f"{existing.user_model.__name__}; they cannot also point at {user_model.__name__}. "
                "Use one user model per database."
            )
        return existing

    key = UserKey.from_model(user_model)

    def model(name: str, shape: type[S], **user_columns: Any) -> type[S]:
        # The shape's module, where SQLAlchemy resolves the annotations of its columns.
        namespace: dict[str, Any] = {"__module__": shape.__module__, "__qualname__": name, **user_columns}
        return cast("type[S]", type(name, (shape, db.Model), namespace))

    thread_tag = sa.Table(
        "forum_thread_tag",
        db.metadata,
        sa.Column(
            "thread_id",
            sa.Integer,
            sa.ForeignKey("forum_thread.id", name="fk_forum_thread_tag_thread_id"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id",
            sa.Integer,
            sa.ForeignKey("forum_tag.id", name="fk_forum_thread_tag_tag_id"),
            primary_key=True,
        ),
        sa.Index("ix_forum_thread_tag_tag_id", "tag_id"),
    )
    category = model("ForumCategory", Category)
    sa.event.listen(category.__table__, "after_create", _insert_default_category)
    tag = model("ForumTag", Tag)
    thread = model(
        "ForumThread",
        Thread,
        author_id=key.mapped("forum_thread", "author_id"),
        deleted_by_id=key.mapped("forum_thread", "deleted_by_id", nullable=True, index=False),
        accepted_by_id=key.mapped("forum_thread", "accepted_by_id", nullable=True, index=False),
    )
    post = model(
        "ForumPost",
        Post,
        author_id=key.mapped("forum_post", "author_id"),
        deleted_by_id=key.mapped("forum_post", "deleted_by_id", nullable=True, index=False),
        verified_by_id=key.mapped("forum_post", "verified_by_id", nullable=True, index=False),
    )
    revision = model(
        "ForumPostRevision",
        PostRevision,
        editor_id=key.mapped("forum_post_revision", "editor_id", index=False),
    )
    like = model("ForumLike", Like, user_id=key.mapped("forum_like", "user_id"))
    favourite = model("ForumFavourite", Favourite, user_id=key.mapped("forum_favourite", "user_id"))
    share = model(
        "ForumShare",
        Share,
        sharer_id=key.mapped("forum_share", "sharer_id"),
    )
    share_visit = model("ForumShareVisit", ShareVisit, visitor_id=key.mapped("forum_share_visit", "visitor_id"))
    notification = model(
        "ForumNotification",
        Notification,
        user_id=key.mapped("forum_notification", "user_id", index=False),
        actor_id=key.mapped("forum_notification", "actor_id", nullable=True, index=False),
    )
    point_event = model(
        "ForumPointEvent",
        PointEvent,
        user_id=key.mapped("forum_point_event", "user_id", index=False),
        actor_id=key.mapped("forum_point_event", "actor_id", nullable=True, index=False),
    )
    point_bucket = model(
        "ForumPointBucket", PointBucket, user_id=key.mapped("forum_point_bucket", "user_id", index=False)
    )
    badge_award = model("ForumBadgeAward", BadgeAward, user_id=key.mapped("forum_badge_award", "user_id", index=False))
    member = model(
        "ForumMember",
        Member,
        user_id=mapped_column(
            "user_id",
            key.sql_type,
            sa.ForeignKey(f"{key.table}.{key.column}", name="fk_forum_member_user_id"),
            primary_key=True,
        ),
    )
    article = model(
        "ForumArticle",
        Article,
        author_id=key.mapped("forum_article", "author_id", index=False),
        credited_id=key.mapped("forum_article", "credited_id", nullable=True, index=False),
    )
    search_doc = model("ForumSearchDoc", SearchDoc)
    sa.event.listen(search_doc.__table__, "after_create", _create_search_index)
    sa.event.listen(search_doc.__table__, "before_drop", _drop_search_index)
    search_vector = model("ForumSearchVector", SearchVector)
    search_change = model("ForumSearchChange", SearchChange)
    suggestion_event = model(
        "ForumSuggestionEvent",
        SuggestionEvent,
        user_id=key.mapped("forum_suggestion_event", "user_id", nullable=True, index=False),
    )
    escalation = model(
        "ForumEscalation",
        Escalation,
        requested_by_id=key.mapped("forum_escalation", "requested_by_id", nullable=True, index=False),
    )
    desk_job = model("ForumDeskJob", DeskJob)
    timeline_event = model(
        "ForumTimelineEvent",
        TimelineEvent,
        actor_id=key.mapped("forum_timeline_event", "actor_id", nullable=True, index=False),
    )
    webhook_receipt = model("ForumWebhookReceipt", WebhookReceipt)
    follow = model("ForumFollow", Follow, user_id=key.mapped("forum_follow", "user_id", index=False))
    notification_pref = model(
        "ForumNotificationPref",
        NotificationPref,
        user_id=key.mapped("forum_notification_pref", "user_id", index=False),
    )
    mail_digest = model(
        "ForumMailDigest",
        MailDigest,
        user_id=mapped_column(
            "user_id",
            key.sql_type,
            sa.ForeignKey(f"{key.table}.{key.column}", name="fk_forum_mail_digest_user_id"),
            primary_key=True,
        ),
    )
    announcement = model(
        "ForumAnnouncement", Announcement, author_id=key.mapped("forum_announcement", "author_id", index=False)
    )
    announcement_update = model(
        "ForumAnnouncementUpdate",
        AnnouncementUpdate,
        author_id=key.mapped("forum_announcement_update", "author_id", index=False),
    )
    announcement_person = model(
        "ForumAnnouncementPerson",
        AnnouncementPerson,
        user_id=key.mapped("forum_announcement_person", "user_id", index=False),
    )
    task_lease = model("ForumTaskLease", TaskLease)
    followup = model(
        "ForumFollowup",
        Followup,
        user_id=key.mapped("forum_followup", "user_id", nullable=True, index=False),
        actor_id=key.mapped("forum_followup", "actor_id", nullable=True, index=False),
    )
    webhook_endpoint = model("ForumWebhookEndpoint", WebhookEndpoint)
    outgoing_post = model("ForumOutgoingPost", OutgoingPost)
    glossary_term = model(
        "ForumGlossaryTerm",
        GlossaryTerm,
        updated_by_id=key.mapped("forum_glossary_term", "updated_by_id", nullable=True, index=False),
    )
    clarity_vote = model("ForumClarityVote", ClarityVote, user_id=key.mapped("forum_clarity_vote", "user_id"))
    flag = model("ForumFlag", Flag, user_id=key.mapped("forum_flag", "user_id"))
    review_item = model(
        "ForumReviewItem",
        ReviewItem,
        decided_by_id=key.mapped("forum_review_item", "decided_by_id", nullable=True, index=False),
    )
    idea = model("ForumIdea", Idea, author_id=key.mapped("forum_idea", "author_id"))
    idea_vote = model("ForumIdeaVote", IdeaVote, user_id=key.mapped("forum_idea_vote", "user_id"))
    idea_event = model(
        "ForumIdeaEvent", IdeaEvent, actor_id=key.mapped("forum_idea_event", "actor_id", nullable=True, index=False)
    )
    reward = model("ForumReward", Reward)
    redemption = model(
        "ForumRedemption",
        Redemption,
        user_id=key.mapped("forum_redemption", "user_id"),
        decided_by_id=key.mapped("forum_redemption", "decided_by_id", nullable=True, index=False),
    )
    access_token = model("ForumAccessToken", AccessToken, user_id=key.mapped("forum_access_token", "user_id"))
    audit_entry = model("ForumAuditEntry", AuditEntry, actor_id=key.mapped("forum_audit", "actor_id", nullable=True))
    models = Models(
        Category=category,
        Tag=tag,
        Thread=thread,
        Post=post,
        PostRevision=revision,
        Like=like,
        Favourite=favourite,
        Share=share,
        ShareVisit=share_visit,
        Notification=notification,
        PointEvent=point_event,
        PointBucket=point_bucket,
        BadgeAward=badge_award,
        Member=member,
        Article=article,
        SearchDoc=search_doc,
        SearchVector=search_vector,
        SearchChange=search_change,
        SuggestionEvent=suggestion_event,
        Escalation=escalation,
        DeskJob=desk_job,
        TimelineEvent=timeline_event,
        WebhookReceipt=webhook_receipt,
        Follow=follow,
        NotificationPref=notification_pref,
        MailDigest=mail_digest,
        Announcement=announcement,
        AnnouncementUpdate=announcement_update,
        AnnouncementPerson=announcement_person,
        TaskLease=task_lease,
        Followup=followup,
        OutgoingPost=outgoing_post,
        WebhookEndpoint=webhook_endpoint,
        GlossaryTerm=glossary_term,
        ClarityVote=clarity_vote,
        Flag=flag,
        ReviewItem=review_item,
        AuditEntry=audit_entry,
        Idea=idea,
        IdeaVote=idea_vote,
        IdeaEvent=idea_event,
        Reward=reward,
        Redemption=redemption,
        AccessToken=access_token,
        thread_tag=thread_tag,
        user_key=key,
        user_model=user_model,
    )
    _built[db] = models
    return models


def _create_search_index(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    """``db.create_all()`` builds the same full-text index as the migrations do."""
    from ..search.index import create_index

    create_index(connection)


def _drop_search_index(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    from ..search.index import drop_index

    drop_index(connection)


def _insert_default_category(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    """``db.create_all()`` gives the same starting category as the migrations do."""
    connection.execute(table.insert().values(created_at=utcnow(), **DEFAULT_CATEGORY))


def is_forum_table(name: str | None) -> bool:
    """True for the forum's tables and its Alembic version table."""
    return bool(name) and str(name).startswith(TABLE_PREFIX)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter for the host's ``flask db migrate``: leave the forum's tables to the forum.

    Use it as ``Migrate(app, db, include_object=forum.models.include_object)``.
    """
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not is_forum_table(table_name)


def models_for(db: SQLAlchemy | None) -> Models | None:
    """The model classes built on ``db``, if the forum is set up on it."""
    return _built.get(db) if db is not None else None


def get_row(session: Any, model: type[S], ident: Any) -> S:
    """A row that a foreign key says exists; if it was removed meanwhile, a plain "not found" instead of a crash."""
    found = session.get(model, ident)
    if found is None:
        raise NotFound(_("We could not find that. It may have been removed."))
    return cast(S, found)
