"""Posts are typed as Markdown and shown as sanitised HTML."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import escape

from .sanitize import clean_html

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
