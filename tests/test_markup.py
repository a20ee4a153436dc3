"""What people type is kept as typed; what others see is safe."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from forum.markup import ALLOWED_TAGS, LINK_REL, render_markdown


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.comments.append(data)


def assert_safe(html: str) -> None:
    parsed = Elements(html)
    assert not parsed.comments
    for tag, attrs in parsed.found:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs.items():
            assert name in {"href", "src", "alt", "title", "rel", "class", "start", "align"}, (tag, name)
            if name in {"href", "src"}:
                assert urlsplit(value or "").scheme in {"http", "https", "mailto"}, (tag, value)


@pytest.mark.parametrize(
    "source, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<img src=x onerror=alert(1)>", "<img src=x"),
        ('<a href="javascript:alert(1)">x</a>', 'href="javascript'),
        ("[click](javascript:alert(1))", 'href="javascript'),
        ("[click](JaVaScRiPt:alert(1))", "href="),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "href="),
        ("[fix](ms-msdt:/id PCWDiagnostic)", "href="),
        ("[search](search-ms:query=invoice)", "href="),
        ("![x](javascript:alert(1))", "src="),
        ('<svg onload="alert(1)"></svg>', "<svg"),
        ("<math><mi>x</mi></math>", "<math"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<!-- hidden -->", "<!--"),
        ('<div data-hx-get="/x" hx-get="/x">x</div>', "hx-get="),
        ("<iframe src='https://example.com'></iframe>", "<iframe"),
        ("<textarea>x</textarea>", "<textarea"),
    ],
)
def test_dangerous_markup_never_reaches_the_page(source, forbidden):
    html = render_markdown(source)
    assert_safe(html)
    if forbidden in {"href=", "src="}:
        assert forbidden not in html


def test_raw_html_is_shown_as_the_text_that_was_typed():
    assert render_markdown("<b>bold?</b>") == "<p>&lt;b&gt;bold?&lt;/b&gt;</p>\n"


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)" onclick="x()">a</a>',
        '<p style="color:red" data-x="1" hx-get="/x">p</p>',
        "<svg><script>alert(1)</script></svg><math></math><style>*{}</style><!-- c -->",
        '<img src="data:image/png;base64,AAAA" onerror="x()">',
        '<a href="ms-msdt:/id">a</a><a href="search-ms:q">b</a><a href="vbscript:x">c</a>',
    ],
)
def test_the_sanitiser_alone_cleans_html_that_markdown_would_never_make(html):
    from forum.markup import clean_html

    assert_safe(clean_html(html))


def test_markdown_renders_code_lists_links_and_tables():
    html = render_markdown(
        "Steps:\n\n1. Open **Settings**\n2. Run `ipconfig /flushdns`\n\n```\nping 8.8.8.8\n```\n\n"
        "See [the guide](https://intranet.example.com/vpn).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    assert "<ol>" in html and "<strong>Settings</strong>" in html
    assert "<code>ipconfig /flushdns</code>" in html
    assert "<pre><code>ping 8.8.8.8\n</code></pre>" in html
    assert f'<a href="https://intranet.example.com/vpn" rel="{LINK_REL}">the guide</a>' in html
    assert "<table>" in html and "<td>1</td>" in html


def test_bare_addresses_become_links_but_not_inside_code():
    html = render_markdown("Go to https://status.example.com now\n\n    curl https://api.example.com\n")
    assert f'<a href="https://status.example.com" rel="{LINK_REL}">https://status.example.com</a>' in html
    assert "<code>curl https://api.example.com\n</code>" in html


def test_code_block_language_is_kept_but_other_classes_are_not():
    assert '<code class="language-powershell">' in render_markdown("```powershell\nGet-Service\n```")
    assert 'class="evil"' not in render_markdown('<code class="evil">x</code>')


def test_pathological_input_still_renders_to_escaped_text():
    for source in ("[" * 32000, "![" * 16000, "*a" * 16000, "<" * 32000, "> " * 16000, "[](" * 10000):
        html = render_markdown(source)
        assert "<script" not in html
        assert html.startswith("<")


def test_a_post_with_thousands_of_markup_characters_is_shown_as_typed():
    source = "<b>" * 4000
    html = render_markdown(source)
    assert html == '<pre class="plain-text">' + "&lt;b&gt;" * 4000 + "</pre>\n"
    assert_safe(html)


def test_thousands_of_brackets_leave_links_unparsed_but_text_intact():
    source = "[" * 3000 + " [guide](https://example.com)"
    html = render_markdown(source)
    assert "[guide](" in html and ">guide</a>" not in html
    assert_safe(html)
