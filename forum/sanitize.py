"""The one place that knows about bleach, so the sanitiser can be swapped without touching callers."""

from __future__ import annotations

from functools import partial
from typing import Any

import bleach
from bleach.linkifier import LinkifyFilter

#: Tags that Markdown can produce and that are safe to show. No raw-text tags, no svg or math.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "ul",
    }
)  # fmt: skip

#: Attributes per tag. No ``style``, no ``data-*``, no event handlers.
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "title"],
    "ol": ["start"],
    "td": ["align"],
    "th": ["align"],
    "code": ["class"],
}

#: Link schemes people may click. ``javascript:``, ``data:``, ``ms-msdt:``, ``search-ms:`` and the rest die.
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

LINK_REL = "nofollow ugc noopener"


def _set_rel(attrs: dict[Any, str], new: bool = False) -> dict[Any, str]:
    """Every link a member posts is marked as user content and opens nothing with our window."""
    attrs[(None, "rel")] = LINK_REL
    return attrs


def _only_language_classes(tag: str, name: str, value: str) -> bool:
    """Keep ``language-x`` on code blocks (for highlighting) and nothing else."""
    if name == "class":
        return tag == "code" and all(part.startswith("language-") for part in value.split())
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_CALLABLE_ATTRIBUTES = {tag: partial(_only_language_classes, tag) for tag in ALLOWED_ATTRIBUTES}


def _attribute_filter(tag: str, name: str, value: str) -> bool:
    check = _CALLABLE_ATTRIBUTES.get(tag)
    return bool(check and check(name, value))


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_attribute_filter,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
)


def clean_html(html: str) -> str:
    """Reduce rendered HTML to the allowlist, and mark every link as user content."""
    return _cleaner.clean(html)
