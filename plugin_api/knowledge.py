"""External knowledge sources: the result type, and an in-memory source for tests and examples."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .hookspecs import hookimpl


@dataclass(frozen=True)
class ExternalArticle:
    """An article in the desk's own knowledge base, linked from search and suggestions."""

    title: str
    url: str
    snippet: str = ""
    source: str = "IT knowledge base"


class MemoryKnowledgeBase:
    """A knowledge base held in memory: matches articles sharing a word with the query.

    Register it with ``FORUM_PLUGINS = [MemoryKnowledgeBase([...])]``. ``delay`` makes it slow on
    purpose, to see that a slow source never holds a page up.
    """

    def __init__(
        self, articles: list[ExternalArticle], *, delay: float = 0.0, source: str = "IT knowledge base"
    ) -> None:
        self.articles = list(articles)
        self.delay = delay
        self.source = source

    @hookimpl
    def forum_external_knowledge(self, query: str, limit: int) -> list[ExternalArticle]:
        if self.delay:
            import time

            time.sleep(self.delay)
        words = {w for w in re.findall(r"\w+", query.lower()) if len(w) > 2}
        found = [a for a in self.articles if words & set(re.findall(r"\w+", f"{a.title} {a.snippet}".lower()))]
        return found[:limit]
