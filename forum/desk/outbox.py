"""Delivering the outbox to the desk: claim a job, call the desk, and record what happened, exactly once."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from plugin_api.desk import Connector
from plugin_api.retry import GiveUp, TryLater, backoff

from .. import i18n
from ..errors import ForumError, NotFound
from ..i18n import _, later
from ..models import DeskJob, Escalation, get_row, utcnow
from ..models.work import call_lease, claim_rows, drain, renew, still_held
from ..notifications.delivery import notify
from .tickets import ticket_request

if TYPE_CHECKING:
    from ..state import ForumState

log = logging.getLogger("forum.desk")


def lease(state: ForumState) -> dt.timedelta:
    """How long a worker may hold a job: longer than any one call to the desk can take."""
    return call_lease(state.setting("FORUM_DESK_TIMEOUT"))


def batch_size(state: ForumState) -> int:
    """Jobs claimed at once: few enough that the last starts well inside the lease, so no lease runs out mid-batch."""
    timeout = max(0.1, float(state.setting("FORUM_DESK_TIMEOUT")))
    return max(1, min(50, int((lease(state).total_seconds() - 30) / timeout / 2)))


def claim(state: ForumState, worker: str, *, now: dt.datetime | None = None, limit: int = 50) -> list[int]:
    """Take up to ``limit`` due jobs for ``worker`` (two workers never get the same job); their ids."""
    return claim_rows(state.db.session, state.models.DeskJob, worker, lease=lease(state), limit=limit, now=now)[1]


def deliver(
    state: ForumState, connector: Connector, job_id: int, *, now: dt.datetime | None = None, token: str | None = None
) -> str:
    """Make the job's call to the desk; returns the job's new state ("done", "waiting" or "failed").

    With the ``token`` of the claim that took the job, the call is made and its result recorded only while this
    worker still holds the job; otherwise the result is "lost" (another worker has it) and nothing is written.
    """
    models = state.models
    session = state.db.session
    if not renew(session, models.DeskJob, job_id, token, lease(state)):
        return "lost"

    def load() -> tuple[Any, Any]:
        return session.execute(
            sa.select(models.DeskJob, models.Escalation)
            .join(models.Escalation, models.Escalation.id == models.DeskJob.escalation_id)
            .where(models.DeskJob.id == job_id)
        ).one()

    job, escalation = load()
    try:
        if job.action == "create":
            _create(state, connector, job, escalation)
        elif escalation.ticket_id is None:
            return _settle(state, job, token, _later(state, job, _("Waiting for the ticket to be opened first."), True))
        else:
            connector.add_comment(escalation.ticket_id, json.loads(job.payload or "{}").get("text", ""), key=job.key)
    except Exception as error:
        # Forget anything half-recorded; the next try asks the desk whether this one landed.
        session.rollback()
        job, escalation = load()
        if isinstance(error, TryLater):  # DeskUnavailable, or a mail server that said "later"
            return _settle(state, job, token, _later(state, job, error.message))
        if isinstance(error, GiveUp):
            return _settle(state, job, token, _dead(state, job, escalation, error.message))
        log.exception("Job %s failed unexpectedly", job.id)  # a bug: keep the job, show agents what happened
        message = _("It failed unexpectedly (%(error)s). The log has the details.", error=type(error).__name__)
        return _settle(state, job, token, _later(state, job, message))
    job.state, job.done_at, job.locked_until, job.last_error = "done", now or utcnow(), None, ""
    return _settle(state, job, token, "done")


def _settle(state: ForumState, job: DeskJob, token: str | None, outcome: str) -> str:
    """Commit what this try recorded, if this worker still holds the job; else keep nothing of it."""
    if not still_held(state.db.session, job, token):
        state.db.session.rollback()
        log.warning("Desk job %s was taken over by another worker; its result here is not recorded.", job.id)
        return "lost"
    state.db.session.commit()
    if outcome == "failed":
        log.warning("Desk job %s failed for good: %s", job.id, job.last_error)
    return outcome


def _create(state: ForumState, connector: Connector, job: DeskJob, escalation: Escalation) -> None:
    """Open the ticket, unless an earlier try already did (that try may have timed out after landing)."""
    request = ticket_request(state, escalation)
    ref = connector.find_ticket(job.key) if job.attempts > 1 else None
    if ref is None:
        ref = connector.create_ticket(request)
    escalation.ticket_id, escalation.ticket_url = ref.id, ref.url
    escalation.ticket_status = escalation.ticket_status or "new"
    escalation.last_polled_at = None
    thread = get_row(state.db.session, state.models.Thread, escalation.thread_id)
    state.db.session.add(
        state.models.TimelineEvent(
            thread_id=thread.id,
            kind="ticket_opened",
            ref=f"ticket-opened-{ref.id}",
            **i18n.columns(
                later("The IT team has it now, as ticket %(ticket)s. Their replies will show up here.", ticket=ref.id)
            ),
        )
    )
    notify(
        state,
        thread.author_id,
        "ticket_opened",
        later("The IT team has your question “%(title)s” now (ticket %(ticket)s).", title=thread.title, ticket=ref.id),
        thread_id=thread.id,
    )


def _later(state: ForumState, job: DeskJob, message: str, retry_soon: bool = False) -> str:
    """Keep the job for another try, or give it up after the last allowed one (the caller commits)."""
    session = state.db.session
    if retry_soon:
        job.attempts -= 1  # waiting on another job is not a failed try
    if not retry_soon and job.attempts >= int(state.setting("FORUM_DESK_MAX_ATTEMPTS")):
        escalation = get_row(session, state.models.Escalation, job.escalation_id)
        gave_up = _("Gave up after %(count)s tries. The last problem: %(problem)s", count=job.attempts, problem=message)
        return _dead(state, job, escalation, gave_up)
    wait = (
        dt.timedelta(seconds=5)
        if retry_soon
        else backoff(job.attempts, float(state.setting("FORUM_DESK_RETRY_SECONDS")))
    )
    job.next_attempt_at, job.locked_until, job.last_error = utcnow() + wait, None, message
    return "waiting"


def _dead(state: ForumState, job: DeskJob, escalation: Escalation, message: str) -> str:
    """Stop trying: desk agents see the job and the reason on the admin page, and can retry it (the caller commits)."""
    job.state, job.locked_until, job.last_error = "failed", None, message[:2000]
    if job.action == "create":
        state.db.session.add(
            state.models.TimelineEvent(
                thread_id=escalation.thread_id,
                kind="desk_problem",
                ref=f"desk-problem-{job.id}-{job.attempts}",
                **i18n.columns(
                    later("We could not pass this to the IT team yet. A desk agent has been asked to look.")
                ),
            )
        )
    return "failed"


def retry(state: ForumState, job_id: int) -> Any:
    """Put a failed job back in the queue, from a desk agent's button."""
    job = state.db.session.get(state.models.DeskJob, job_id)
    if job is None:
        raise NotFound(_("We could not find that delivery."))
    if job.state != "failed":
        raise ForumError(_("That delivery is not stuck, so there is nothing to retry."), status=409)
    job.state, job.attempts, job.next_attempt_at, job.locked_until = "waiting", 0, utcnow(), None
    state.db.session.commit()
    return job


def deliver_due(state: ForumState, connector: Connector, worker: str, *, limit: int | None = None) -> dict[str, int]:
    """Claim and deliver due jobs, a small batch at a time, until none are left; counts by outcome."""
    done = drain(
        state.db.session,
        state.models.DeskJob,
        worker,
        lambda job_id, token: deliver(state, connector, job_id, token=token),
        lease=lease(state),
        limit=limit or batch_size(state),
    )
    return {"done": 0, "waiting": 0, "failed": 0, "lost": 0, **done}


def queue_summary(state: ForumState) -> dict[str, int]:
    """How many jobs are waiting, done and failed, for the admin page."""
    J = state.models.DeskJob
    rows = state.db.session.execute(sa.select(J.state, sa.func.count()).group_by(J.state))
    return {"waiting": 0, "done": 0, "failed": 0, **{name: int(count) for name, count in rows}}


def open_jobs(state: ForumState, *, limit: int = 100) -> list[Any]:
    """Jobs that are stuck or still waiting, the stuck ones first."""
    J = state.models.DeskJob
    return list(
        state.db.session.scalars(
            sa.select(J).where(J.state != "done").order_by(J.state == "waiting", J.next_attempt_at).limit(limit)
        )
    )
