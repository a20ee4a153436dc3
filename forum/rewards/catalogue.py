"""The catalogue and its orders, as plain functions.

Redeeming locks the person's member row (so two tabs cannot spend the same points) and takes one from stock with
a conditional update (so two people cannot both take the last one); the price is a spending line in the points
ledger, which lowers the balance but never a level or a leaderboard place. A declined order gives both back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..errors import ForumError, NotAllowed, NotFound
from ..gamification.leaderboard import spreadsheet
from ..gamification.ledger import balance, member_row, spend
from ..i18n import _, later, later_plural, ngettext
from ..i18n import lazy_gettext as _l
from ..models import affected, as_day, as_id, utcnow
from ..notifications.delivery import notify

if TYPE_CHECKING:
    from ..models import Reward
    from ..state import ForumState
    from ..users import ForumUser

#: An order's states, in words.
STATES = {
    "requested": _l("Requested: waiting for the IT team"),
    "approved": _l("Approved: on its way"),
    "handed_over": _l("Handed over"),
    "declined": _l("Declined: your points are back"),
}
#: What the IT team can do next with an order in each state.
NEXT = {"requested": ("approved", "declined"), "approved": ("handed_over", "declined")}


def _admin(person: ForumUser) -> None:
    if not person.is_admin:
        raise NotAllowed(_("Only portal admins can change rewards."))


def get(state: ForumState, reward_id: Any) -> Reward:
    found = state.db.session.get(state.models.Reward, as_id(reward_id)) if as_id(reward_id) else None
    if found is None:
        raise NotFound(_("We could not find that reward."))
    return found


#: "Please give … as a whole number", for each number a reward has.
NUMBER_WORDS = {
    "the cost": _l("Please give the cost as a whole number from %(low)s to %(high)s."),
    "the stock": _l("Please give the stock as a whole number from %(low)s to %(high)s."),
    "the level": _l("Please give the level as a whole number from %(low)s to %(high)s."),
}


def _number(raw: Any, label: str, *, low: int, high: int) -> int:
    text = str(raw if raw is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ForumError(str(NUMBER_WORDS[label]) % {"low": low, "high": i18n.number(high)}, field=label)
    return int(text)


def save(
    state: ForumState,
    admin: ForumUser,
    *,
    name: str | None,
    description: str | None,
    picture_url: str | None,
    cost: Any,
    stock: Any,
    min_level: Any,
    active: bool,
    starts_on: str | None = "",
    ends_on: str | None = "",
    reward: Reward | None = None,
) -> Reward:
    """Add a reward to the catalogue, or change one; it shows from ``starts_on`` to the end of ``ends_on``."""
    _admin(admin)
    clean_name = " ".join((name or "").replace("\x00", "").split())[:120]
    if not clean_name:
        raise ForumError(_("Please give the reward a name."), field="name")
    picture = (picture_url or "").strip()[:500]
    if picture and not picture.startswith(("https://", "/")):
        raise ForumError(
            _("Please give the picture as an https:// address, or a path on this site."), field="picture_url"
        )
    row = reward or state.models.Reward(created_at=utcnow())
    row.name, row.description, row.picture_url = clean_name, (description or "").replace("\x00", "")[:1000], picture
    row.cost = _number(cost, "the cost", low=1, high=1_000_000)
    row.stock = _number(stock, "the stock", low=0, high=1_000_000)
    row.min_level = _number(min_level or 0, "the level", low=0, high=4)
    row.active = active
    starts = as_day(starts_on, field="starts_on")
    ends = as_day(ends_on, field="ends_on")
    if starts and ends and ends < starts:
        raise ForumError(_("The last day comes before the first day. Please swap them."), field="ends_on")
    row.starts_at = dt.datetime.combine(starts, dt.time()) if starts else None
    row.ends_at = dt.datetime.combine(ends, dt.time.max) if ends else None
    state.db.session.add(row)
    state.db.session.commit()
    return row


@dataclass
class Offer:
    """A reward as one person sees it: whether they can have it, and if not, why."""

    reward: Any
    why_not: str

    @property
    def can_redeem(self) -> bool:
        return not self.why_not


#: Who a reward is for, by the lowest level that may have it.
FOR_LEVEL = {
    0: _l("For everyone."),
    1: _l("For Members and above."),
    2: _l("For Regulars and above."),
    3: _l("For Superusers and above."),
    4: _l("For Champions."),
}


def _why_not(reward: Any, person: ForumUser | None, points: int, now: dt.datetime) -> str:
    if not reward.active or (reward.starts_at and reward.starts_at > now) or (reward.ends_at and reward.ends_at < now):
        return _("Not available right now.")
    if reward.stock <= 0:
        return _("All gone for now.")
    if person is not None and person.level < reward.min_level:
        return str(FOR_LEVEL[reward.min_level])
    if points < reward.cost:
        return ngettext(
            "You need %(count)s more point.",
            "You need %(count)s more points.",
            reward.cost - points,
            count=reward.cost - points,
        )
    return ""


def offers(state: ForumState, person: ForumUser | None, *, include_inactive: bool = False) -> list[Offer]:
    """The catalogue, cheapest first, with what this person can have."""
    Reward = state.models.Reward
    query = sa.select(Reward).order_by(Reward.cost, Reward.id)
    if not include_inactive:
        query = query.where(Reward.active)
    points = balance(state, person.id) if person is not None else 0
    now = utcnow()
    return [Offer(r, _why_not(r, person, points, now)) for r in state.db.session.scalars(query)]


def redeem(state: ForumState, person: ForumUser, reward_id: Any) -> Any:
    """Order a reward: the points are spent and one is taken from stock, or nothing changes and we say why."""
    reward = get(state, reward_id)
    session = state.db.session
    member_row(state, person.id, lock=True)  # one spending at a time per person
    why = _why_not(reward, person, balance(state, person.id), utcnow())
    if why:
        session.rollback()
        raise ForumError(_("You cannot have “%(name)s” yet. %(why)s", name=reward.name, why=why), status=409)
    Reward = state.models.Reward
    taken = affected(
        session.execute(
            sa.update(Reward).where(Reward.id == reward.id, Reward.stock > 0).values(stock=Reward.stock - 1)
        )
    )
    if not taken:
        session.rollback()
        raise ForumError(
            _("Someone took the last “%(name)s” a moment ago. Look again later.", name=reward.name), status=409
        )
    order = state.models.Redemption(
        reward_id=reward.id, user_id=person.id, cost=reward.cost, state="requested", created_at=utcnow()
    )
    session.add(order)
    session.flush()
    spend(state, person.id, reward.cost, cause=f"reward:{order.id}")
    session.commit()
    return order


def orders(state: ForumState, *, user_id: Any = None, open_only: bool = False, limit: int = 200) -> list[Any]:
    """Orders, newest first: one person's, or everyone's (the admins' queue)."""
    R = state.models.Redemption
    query = sa.select(R).order_by(R.created_at.desc(), R.id.desc()).limit(limit)
    if user_id is not None:
        query = query.where(R.user_id == user_id)
    if open_only:
        query = query.where(R.state.in_(tuple(NEXT)))
    return list(state.db.session.scalars(query))


def decide(state: ForumState, admin: ForumUser, order_id: Any, new_state: str | None, note: str | None = "") -> Any:
    """Move an order on (approved, handed over) or decline it with a reason, giving the points and the item back."""
    _admin(admin)
    session = state.db.session
    order = session.get(state.models.Redemption, as_id(order_id)) if as_id(order_id) else None
    if order is None:
        raise NotFound(_("We could not find that order."))
    if new_state is None or new_state not in NEXT.get(order.state, ()):
        raise ForumError(_("That order cannot go that way any more. Reload the page to see where it is."), status=409)
    text = " ".join((note or "").replace("\x00", "").split())[:500]
    if new_state == "declined" and not text:
        raise ForumError(_("Please say why it is declined. The person will read it."), field="note")
    member_row(state, order.user_id, lock=True)
    reward = session.get(state.models.Reward, order.reward_id)
    order.state, order.note, order.decided_at, order.decided_by_id = new_state, text, utcnow(), admin.id
    name = reward.name if reward else _l("your reward")
    if new_state == "declined":
        spend(state, order.user_id, order.cost, cause=f"reward:{order.id}:refund", refund=True)
        if reward is not None:
            reward.stock += 1
        words = later_plural(
            "Your order for “%(name)s” was declined: %(note)s Your %(count)s point is back.",
            "Your order for “%(name)s” was declined: %(note)s Your %(count)s points are back.",
            order.cost,
            name=name,
            note=text,
        )
    elif new_state == "approved":
        words = later("Your order for “%(name)s” is approved. The IT team will hand it over soon.", name=name)
    else:
        words = later("Your “%(name)s” has been handed over. Enjoy it, and thanks for helping!", name=name)
    notify(state, order.user_id, "reward", words, actor=admin)
    session.commit()
    return order


def csv_export(state: ForumState, rows: list[Any], names: dict[Any, str], rewards: dict[int, Any]) -> str:
    """The orders as a spreadsheet, each cell neutralised against formula injection."""
    return spreadsheet(
        [_("Ordered (UTC)"), "Who", "Reward", "Points", "State", "Note"],
        (
            (
                row.created_at.isoformat(timespec="seconds"),
                names.get(row.user_id, _("Former member")),
                rewards[row.reward_id].name if row.reward_id in rewards else "",
                row.cost,
                STATES.get(row.state, row.state),
                row.note,
            )
            for row in rows
        ),
    )
