"""The service-desk connector interface: what the forum asks of a desk, and the typed ways a desk can fail.

A connector turns a community thread into a ticket in the organisation's real service desk and
reads the ticket's progress back. Write one by subclassing :class:`Connector`; see the README's
"Write a connector for your desk in one file". Nothing here imports Flask or SQLAlchemy.
"""

from __future__ import annotations

import abc
import datetime as dt
import importlib
import itertools
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, ClassVar

from .retry import Failure, GiveUp, TryLater

#: The entry-point group installed packages use to offer connectors.
ENTRY_POINT_GROUP = "forum.desk_connectors"


class DeskError(Failure):
    """Something went wrong talking to the desk. ``message`` is safe to show to desk agents."""


class DeskUnavailable(DeskError, TryLater):
    """The desk could not be reached or was busy: the forum keeps the work and tries again later."""


class DeskRejected(DeskError, GiveUp):
    """The desk refused the request: trying again will not help, a person must look."""


class ConnectorNotFound(Exception):
    """A connector named in the settings is not installed or failed to load."""


@dataclass(frozen=True)
class Setting:
    """One setting a connector needs (an address, a password, a queue), shown on the admin page."""

    name: str
    label: str
    help: str = ""
    secret: bool = False
    required: bool = True
    default: str = ""


#: The queue a ticket goes to when no category mapping (``FORUM_DESK_QUEUES``) names one; most desks have queues.
DEFAULT_QUEUE = Setting(
    "queue", "Default queue", "Where tickets go when no category mapping says.", required=False, default="General"
)


@dataclass(frozen=True)
class TicketRequest:
    """Everything a desk needs to open a ticket for one community thread."""

    #: Unique per escalation; the same on every retry, so a desk can spot a repeat.
    key: str
    thread_id: int
    title: str
    question: str
    #: The answers so far, already summarised, oldest first (the newest last).
    answers: tuple[str, ...]
    tags: tuple[str, ...]
    link: str
    requester_name: str
    requester_email: str | None
    queue: str
    reason: str = ""

    def text(self) -> str:
        """The ticket's body as plain text, the same for every connector that sends text."""
        parts = [self.question.strip(), ""]
        if self.reason:
            parts += [f"Why it came to the IT team: {self.reason}", ""]
        if self.answers:
            parts.append(f"Answers from the community so far ({len(self.answers)}):")
            parts += [f"- {answer}" for answer in self.answers]
        else:
            parts.append("Nobody in the community has answered yet.")
        parts += ["", f"Tags: {', '.join(self.tags) or 'none'}", f"Asked by: {self.requester_name}"]
        parts += [f"The thread: {self.link}", f"Reference: {self.key}"]
        return "\n".join(parts)


@dataclass(frozen=True)
class TicketRef:
    """A ticket the desk made: its id in the desk and, where the desk has one, a link to it."""

    id: str
    url: str = ""


@dataclass(frozen=True)
class TicketChange:
    """One thing that happened to a ticket: a new status, or a public reply from an agent."""

    ticket_id: str
    #: Unique per change within the desk (a transaction id), so a change is never shown twice.
    change_id: str
    kind: str  # "status" or "reply"
    at: dt.datetime
    status: str = ""
    text: str = ""
    author: str = ""
    #: True when this status means the desk considers the problem solved.
    resolved: bool = False


@dataclass(frozen=True)
class TicketNews:
    """What an inbound desk webhook told us: changes to apply now, and tickets to read again."""

    changes: tuple[TicketChange, ...] = ()
    refresh: tuple[str, ...] = ()


class Connector(abc.ABC):
    """The base class of service-desk connectors. Subclass it and fill in the four methods.

    :meth:`create_ticket` and :meth:`add_comment` are required; a connector without them fails to load
    with a message that names what is missing. :meth:`find_ticket` and :meth:`changes` have defaults.

    The forum calls these from its background worker, never while a page is being served.
    Raise :class:`DeskUnavailable` for "try again later" (down, timeout, 5xx, 429) and
    :class:`DeskRejected` for "a person must look" (a 4xx that a retry cannot fix).
    """

    #: The name used in ``FORUM_DESK_CONNECTOR`` and in the entry point.
    name: ClassVar[str] = ""
    #: What desk agents see on the settings page.
    label: ClassVar[str] = ""
    #: The settings this connector needs, read from ``FORUM_DESK_SETTINGS``.
    settings: ClassVar[tuple[Setting, ...]] = ()
    #: Whether :meth:`changes` can read a ticket's progress back.
    reads_changes: ClassVar[bool] = True

    def __init__(self, values: Mapping[str, Any], *, timeout: float = 15.0) -> None:
        missing = [s.label for s in self.settings if s.required and not values.get(s.name, s.default)]
        if missing:
            raise ValueError(f"The {self.label or self.name} connector needs these settings: {', '.join(missing)}.")
        self.values = {s.name: values.get(s.name, s.default) for s in self.settings}
        self.timeout = timeout

    @abc.abstractmethod
    def create_ticket(self, request: TicketRequest) -> TicketRef:
        """Open a ticket. Called again with the same ``request.key`` only after :meth:`find_ticket` said None."""

    def find_ticket(self, key: str) -> TicketRef | None:
        """The ticket made earlier for ``key``, if a previous try landed; None if the desk cannot tell."""
        return None

    @abc.abstractmethod
    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        """Add a note to the ticket (a new answer posted in the community); ``key`` is the same on retries."""

    def changes(self, ticket_id: str, cursor: str | None) -> tuple[list[TicketChange], str | None]:
        """Changes to the ticket after ``cursor`` (None: from the start), oldest first, and the new cursor."""
        return [], cursor

    def changed_tickets(self, ticket_ids: Sequence[str], since: dt.datetime) -> list[str] | None:
        """Which of ``ticket_ids`` changed since ``since`` (UTC); None means "cannot tell, read them all"."""
        return None

    def read_webhook(self, payload: Any) -> TicketNews:
        """Turn a verified inbound webhook body into news. By default: read the ticket it names again."""
        ticket = payload.get("ticket_id") if isinstance(payload, dict) else None
        if ticket in (None, ""):
            raise DeskRejected("The message did not say which ticket changed (no ticket_id).")
        return TicketNews(refresh=(str(ticket),))

    def describe(self) -> list[tuple[str, str]]:
        """The settings as (label, value) pairs for the admin page, with secrets hidden."""
        return [
            (
                s.label,
                ("set, hidden" if self.values.get(s.name) else "not set")
                if s.secret
                else str(self.values.get(s.name) or "not set"),
            )
            for s in self.settings
        ]


@dataclass
class MemoryTicket:
    """A ticket in :class:`MemoryDesk`."""

    id: str
    request: TicketRequest
    status: str = "new"
    comments: list[str] = field(default_factory=list)
    history: list[TicketChange] = field(default_factory=list)


class MemoryDesk(Connector):
    """A whole service desk in memory, for tests and for connector authors to compare against.

    Agents act on it with :meth:`reply` and :meth:`set_status`; :attr:`down` and :attr:`reject`
    make it fail the way a real desk can.
    """

    name = "memory"
    label = "In-memory desk (for tests)"
    settings = (DEFAULT_QUEUE,)
    RESOLVED = frozenset({"resolved", "closed"})

    def __init__(self, values: Mapping[str, Any] | None = None, *, timeout: float = 15.0) -> None:
        super().__init__(values or {}, timeout=timeout)
        self.tickets: dict[str, MemoryTicket] = {}
        self.down = False
        self.reject: str | None = None
        self.create_calls = 0
        self._ids = itertools.count(1)
        self._changes = itertools.count(1)
        self._lock = threading.Lock()

    def _check(self) -> None:
        if self.down:
            raise DeskUnavailable("The desk is not answering.")
        if self.reject:
            raise DeskRejected(self.reject)

    def create_ticket(self, request: TicketRequest) -> TicketRef:
        with self._lock:
            self.create_calls += 1
            self._check()
            ticket = MemoryTicket(id=str(next(self._ids)), request=request)
            self.tickets[ticket.id] = ticket
            return TicketRef(ticket.id, f"memory://ticket/{ticket.id}")

    def find_ticket(self, key: str) -> TicketRef | None:
        with self._lock:
            self._check()
            for ticket in self.tickets.values():
                if ticket.request.key == key:
                    return TicketRef(ticket.id, f"memory://ticket/{ticket.id}")
            return None

    def add_comment(self, ticket_id: str, text: str, key: str = "") -> None:
        with self._lock:
            self._check()
            self._ticket(ticket_id).comments.append(text)

    def changes(self, ticket_id: str, cursor: str | None) -> tuple[list[TicketChange], str | None]:
        with self._lock:
            self._check()
            history = self._ticket(ticket_id).history
            after = int(cursor or 0)
            new = [c for c in history if int(c.change_id) > after]
            return new, (new[-1].change_id if new else cursor)

    def reply(self, ticket_id: str, text: str, author: str = "Agent") -> TicketChange:
        """An agent answers the requester in public."""
        return self._record(ticket_id, kind="reply", text=text, author=author)

    def set_status(self, ticket_id: str, status: str) -> TicketChange:
        """An agent moves the ticket on ("open", "resolved", ...)."""
        self._ticket(ticket_id).status = status
        return self._record(ticket_id, kind="status", status=status, resolved=status in self.RESOLVED)

    def _record(self, ticket_id: str, **values: Any) -> TicketChange:
        with self._lock:
            change = TicketChange(
                ticket_id=ticket_id,
                change_id=str(next(self._changes)),
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                **values,
            )
            self._ticket(ticket_id).history.append(change)
            return change

    def _ticket(self, ticket_id: str) -> MemoryTicket:
        try:
            return self.tickets[ticket_id]
        except KeyError:
            raise DeskRejected(f"The desk has no ticket {ticket_id}.") from None


def available() -> dict[str, str]:
    """Installed connectors by name, with the import path each entry point names."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load(spec: Any) -> type[Connector]:
    """The connector class for ``spec``: an entry-point name, a "module:Class" path, or a class."""
    if isinstance(spec, type) and issubclass(spec, Connector):
        return _complete(spec)
    if not isinstance(spec, str) or not spec:
        raise ConnectorNotFound(f"FORUM_DESK_CONNECTOR should name a connector, not {spec!r}.")
    path = available().get(spec, spec)
    if ":" not in path:
        names = ", ".join(sorted(available())) or "none"
        raise ConnectorNotFound(f"No desk connector called {spec!r} is installed. Installed connectors: {names}.")
    module_name, _, attr = path.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attr)
    except Exception as error:  # a broken plugin must be reported, never crash the portal
        raise ConnectorNotFound(
            f"The desk connector {spec!r} failed to load: {type(error).__name__}: {error}"
        ) from error
    if not (isinstance(found, type) and issubclass(found, Connector)):
        raise ConnectorNotFound(f"{path} is not a desk connector (a subclass of plugin_api.desk.Connector).")
    return _complete(found)


def _complete(connector: type[Connector]) -> type[Connector]:
    """The class itself, if it fills in every method the forum needs."""
    missing = sorted(getattr(connector, "__abstractmethods__", ()))
    if missing:
        raise ConnectorNotFound(
            f"The desk connector {connector.__name__} does not fill in {', '.join(missing)}. "
            "Add the missing methods (see plugin_api.desk.Connector)."
        )
    return connector
