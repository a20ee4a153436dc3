"""Posts are typed as Markdown and shown as sanitised HTML."""

from __future__ import annotations

from markdown_it import MarkdownIt

from .sanitize import clean_html

# "js-default": CommonMark with tables and strikethrough, raw HTML off, and a linear worst case.
# CommonMark's nesting limit of 20 (js-default allows 100) keeps 32,000 "[" or "![" fast.
_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False, "maxNesting": 20})


def render_markdown(source: str) -> str:
    """The HTML a post shows; the source is stored as typed and only this output is sanitised."""
    return clean_html(_md.render(source))
