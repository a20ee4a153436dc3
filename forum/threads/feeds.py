"""Atom feeds of timelines, built with feedgen so they are well-formed for every feed reader."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from feedgen.feed import FeedGenerator

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .timeline import Entry


def atom(*, title: str, subtitle: str, site: str, self_url: str, page_url: str, entries: Iterable[Entry]) -> bytes:
    """An Atom document for ``entries`` (paths in entries are made absolute with ``site``)."""
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.language("en")
    items = list(entries)
    newest = max((e.at for e in items), default=dt.datetime(2026, 1, 1))
    feed.updated(newest.replace(tzinfo=dt.UTC))
    for item in reversed(items):  # feedgen puts the last added first
        entry = feed.add_entry()
        link = item.link if item.link.startswith("http") else f"{site}{item.link}"
        entry.id(f"{site}#{item.key or item.link}")
        entry.title(item.text)
        entry.link(href=link, rel="alternate", type="text/html")
        entry.updated(item.at.replace(tzinfo=dt.UTC))
        entry.published(item.at.replace(tzinfo=dt.UTC))
        entry.author({"name": item.who or title})
        if item.summary:
            entry.summary(item.summary)
    return feed.atom_str(pretty=True)  # type: ignore[no-any-return]
