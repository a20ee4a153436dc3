"""Posts are typed as Markdown and shown as sanitised HTML; the one place that knows about markdown-it and bleach."""

from __future__ import annotations

import re
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

LINK_REL = "nofollow ugc noopener"  # not translated: HTML


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


#: "@ana" or "@ana.lopez" in running text (not in an e-mail address or a web address).
MENTION = re.compile(r"(?<![\w@/])@([A-Za-z0-9][\w.\-]{0,59})")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_NO_MENTIONS_IN = frozenset({"a", "code", "pre"})


def mention_handles(source: str) -> set[str]:
    """The lower-cased handles a text mentions."""
    return {m.group(1).rstrip(".-").lower() for m in MENTION.finditer(source)}


def link_mentions(html: str, profiles: dict[str, str]) -> str:
    """Turn each ``@handle`` of a known person into a link to ``profiles[handle]``, outside links and code."""
    if not profiles:
        return html
    depth = 0
    parts = _TAG_OR_TEXT.split(html)
    for i, part in enumerate(parts):
        if part.startswith("<"):
            name = part[1:].lstrip("/").split(None, 1)[0].rstrip(">").lower() if len(part) > 2 else ""
            if name in _NO_MENTIONS_IN:
                depth += -1 if part.startswith("</") else 1
            continue
        if depth == 0 and "@" in part:
            parts[i] = MENTION.sub(partial(_mention_link, profiles), part)
    return "".join(parts)


def _mention_link(profiles: dict[str, str], match: re.Match[str]) -> str:
    handle = match.group(1).rstrip(".-")
    url = profiles.get(handle.lower())
    if url is None:
        return match.group(0)
    rest = match.group(1)[len(handle) :]
    return f'<a class="mention" href="{escape(url)}">@{escape(handle)}</a>{escape(rest)}'
