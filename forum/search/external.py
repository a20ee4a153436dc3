"""Asking plugins' knowledge bases, each with a deadline, so a slow one never slows a page."""

from __future__ import annotations

import logging
from concurrent.futures import wait
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from ..state import ForumState

log = logging.getLogger(__name__)


def lookup(state: ForumState, text: str, *, limit: int = 5) -> list[Any]:
    """Results from every knowledge-base plugin that answers within ``FORUM_EXTERNAL_TIMEOUT`` seconds."""
    implementations = state.plugins.hook.forum_external_knowledge.get_hookimpls()
    if not implementations or not text.strip():
        return []
    futures = {
        state.pool().submit(impl.function, query=text, limit=limit): impl.plugin_name for impl in implementations
    }
    done, late = wait(futures, timeout=state.setting("FORUM_EXTERNAL_TIMEOUT"))
    for future in late:
        log.warning("Knowledge source %s took too long and was left out.", futures[future])
    found: list[Any] = []
    for future in done:
        try:
            found.extend(cast("list[Any]", future.result()) or [])
        except Exception:
            log.exception("Knowledge source %s failed and was left out.", futures[future])
    return found[:limit]
