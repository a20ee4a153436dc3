"""Posts are typed as Markdown and shown as sanitised HTML; the one place that knows about markdown-it and bleach."""

from __future__ import annotations

from functools import partial
from typing import Any

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt
from markupsafe import escape

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


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    """The allowlist, plus two rules: ``class`` only as ``language-x`` on code blocks (for highlighting), and
    images only from full web addresses, so an image can never ask the forum's own pages for anything."""
    if name == "class":
        return tag == "code" and all(part.startswith("language-") for part in value.split())
    if tag == "img" and name == "src":
        return value.strip().lower().startswith(("https://", "http://"))
    return name in ALLOWED_ATTRIBUTES.get(tag, ())


_CALLABLE_ATTRIBUTES = {tag: partial(_allowed_attribute, tag) for tag in ALLOWED_ATTRIBUTES}


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
    return str(_cleaner.clean(html))


# "js-default": CommonMark with tables and strikethrough, raw HTML off, and a linear worst case.
# CommonMark's nesting limit of 20 (js-default allows 100) keeps deep nesting cheap.
_OPTIONS = {"html": False, "linkify": False, "typographer": False, "maxNesting": 20}
_md = MarkdownIt("js-default", _OPTIONS)
# Thousands of "[" or "*" make the link and emphasis parsers the slowest part of markdown-it
# (tens of microseconds each); a post with that many is not prose, so they stay as typed.
_md_lite = MarkdownIt("js-default", _OPTIONS).disable(["link", "image", "reference", "emphasis"])

#: More "[" than this, or more "*" and "_" than twice this, and links and emphasis are not parsed.
MAX_BRACKETS = 2000
#: More tags and character references than this and the post is shown as plain text: the sanitiser's
#: cost grows with them, and no real question needs that many.
MAX_MARKUP = 8000


def render_markdown(source: str) -> str:
    """The HTML a post shows; the source is stored as typed and only this output is sanitised."""
    heavy = source.count("[") > MAX_BRACKETS or source.count("*") + source.count("_") > 2 * MAX_BRACKETS
    renderer = _md_lite if heavy else _md
    html = renderer.render(source)
    if html.count("<") + html.count("&") > MAX_MARKUP:
        return plain_text(source)
    return clean_html(html)


def plain_text(source: str) -> str:
    """The post exactly as typed, every character escaped: nothing in it can be markup."""
    return f'<pre class="plain-text">{escape(source)}</pre>\n'
