"""Finds user-facing words that are not marked for translation, in templates and in Python modules.

The test that uses it fails on any it finds; ``python tests/words.py`` lists them for whoever is marking.
"""

from __future__ import annotations

import ast
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment
from jinja2.lexer import TOKEN_NAME, TOKEN_STRING

ROOT = Path(__file__).resolve().parent.parent
FORUM = ROOT / "forum"
TRANSLATING = {
    "_",
    "_l",
    "later",
    "later_plural",
    "for_the_desk",
    "plural_words",
    "gettext",
    "ngettext",
    "lazy_gettext",
    "lazy_ngettext",
    "pgettext",
}
#: Attributes whose values people read or hear.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description", "data-confirm"}
WORD = re.compile(r"[A-Za-z][a-z]+")
#: Words that are the same in every language the forum ships, or are names.
SAME_EVERYWHERE = {
    "Markdown",
    "Atom",
    "Outlook",
    "Teams",
    "Zoom",
    "VPN",
    "Wi",
    "Fi",
    "OK",
    "Ctrl",
    "Enter",
    "Esc",
    "Tab",
    "Request",
    "Tracker",
    "Bearer",
    "JSON",
    "OpenAPI",
    "RT",
    "curl",
    "https",
    "http",
    "com",
    "fsd",
    "Stack",
}
#: Python modules whose strings are for developers and admins at a terminal, or are word lists of a language
#: (the built-in English glossary, the common words that tell a search document's language), not for readers.
DEVELOPER_MODULES = {
    "search/languages.py",
    "cli.py",
    "api/document.py",
    "api/schemas.py",
    "config.py",
    "worker.py",
    "migrations",
    "i18n.py",
    "writing/words.py",
}
#: A comment that says a line's words are for machines or the portal's admins at a terminal, not for readers.
NOT_FOR_PEOPLE = "# not translated"
LOGGING = {"debug", "info", "warning", "error", "exception", "critical", "warn"}
DEVELOPER_ERRORS = {
    "RuntimeError",
    "TypeError",
    "ValueError",
    "KeyError",
    "LookupError",
    "AssertionError",
    "ImportError",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value:
                self._note(value)
            if tag == "input" and name == "value" and value and dict(attrs).get("type") in ("submit", "button"):
                self._note(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self._note(data)

    def _note(self, text: str) -> None:
        words = [w for w in WORD.findall(text.replace("\x01", " ")) if w not in SAME_EVERYWHERE]
        if words:
            self.found.append(" ".join(text.replace("\x01", "…").split()))


def _prose(text: str) -> bool:
    """Looks like words for people: two or more words, or one capitalised word ending a sentence."""
    text = text.strip()
    words = [w for w in WORD.findall(text) if w not in SAME_EVERYWHERE]
    if (
        not words
        or text.isupper()
        or text.startswith(("SELECT", "UPDATE", "INSERT", "DELETE", "WITH", "CREATE", "DROP", "SET ", "ALTER"))
    ):
        return False
    if "_" in text and " " not in text:
        return False
    if text.startswith(("/", "#", ".", "<", "http", "{…}/", "{…}:")) or "://" in text:
        return False
    plain = [t for t in text.replace(",", " ").split() if t.isalpha() and t.islower() and len(t) > 1]
    if re.search(r"\d+ per \w+", text):  # a rate limit ("3 per hour"), read by the limits library
        return False
    return (len(text.split()) >= 2 and text[:1].isupper()) or bool(re.search(r"[a-z][.!?]$", text)) or len(plain) >= 3


def template_words(path: Path, env: Environment) -> list[str]:
    """Unmarked text in one template: in its HTML, its read attributes and its string literals."""
    source = path.read_text()
    found: list[str] = []
    tokens = [t for t in env.lex(source) if t[1] != "whitespace"]
    inside = 0  # parentheses still open in a _( … ) call
    for index, (_line, kind, value) in enumerate(tokens):
        following = tokens[index + 1][2] if index + 1 < len(tokens) else ""
        if inside:
            inside += {"(": 1, ")": -1}.get(value, 0) if kind == "operator" else 0
            continue
        if kind == TOKEN_NAME and value in TRANSLATING and following == "(":
            inside = 1
            tokens[index + 1] = (_line, "name", "")  # the "(" is counted here
        elif kind == TOKEN_STRING:
            previous = tokens[index - 1][2] if index else ""
            value = ast.literal_eval(value)
            one_word = re.fullmatch(r"[A-Z][a-z]+", value) and previous not in ("==", "!=", "in")
            if (_prose(value) or one_word) and previous not in ("import", "include", "extends", "from"):
                found.append(value)
    parser = _Text()
    trans = re.sub(r"\{%-?\s*trans\b.*?endtrans\s*-?%\}", "", source, flags=re.S)
    stripped = re.sub(r"\{#.*?#\}", "", trans, flags=re.S)
    stripped = re.sub(r"<\{\{.*?\}\}", "<div", stripped, flags=re.S)
    stripped = re.sub(r"\{\{.*?\}\}", "\x01", stripped, flags=re.S)
    stripped = re.sub(r"\{%.*?%\}", "", stripped, flags=re.S)
    parser.feed(stripped)
    return found + parser.found


def _translating_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and (
        (isinstance(node.func, ast.Name) and node.func.id in TRANSLATING)
        or (isinstance(node.func, ast.Attribute) and node.func.attr in TRANSLATING)
    )


def _developer_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in LOGGING:
        return True
    return isinstance(func, ast.Name) and func.id in DEVELOPER_ERRORS | {"warn", "print", "text", "Index"}


def python_words(path: Path) -> list[str]:
    """Unmarked prose in one module's string literals (docstrings, logs and developers' errors aside)."""
    tree = ast.parse(path.read_text())
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
        if _translating_call(node) or _developer_call(node):
            for inner in ast.walk(node):
                skip.add(id(inner))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id in ("__doc__", "__all__") for t in node.targets
        ):
            for inner in ast.walk(node):
                skip.add(id(inner))
    found = []
    lines = path.read_text().splitlines()
    for node in ast.walk(tree):  # a form field's label, one word or many ("Category")
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")).endswith("Field"):
            label = node.args[0] if node.args else None
            if isinstance(label, ast.Constant) and isinstance(label.value, str) and label.value.strip():
                found.append(f"{label.lineno}: {label.value}")
                skip.add(id(label))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 1) - 1
        if id(node) in skip or NOT_FOR_PEOPLE in lines[line] or NOT_FOR_PEOPLE in lines[max(0, line - 1)]:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
            if _prose(text):
                found.append(f"{node.lineno}: {text}")
            for inner in ast.walk(node):
                skip.add(id(inner))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _prose(node.value):
            found.append(f"{node.lineno}: {node.value}")
    return found


def unmarked() -> dict[str, list[str]]:
    """Every file with unmarked words, and the words."""
    env = Environment(extensions=["jinja2.ext.i18n"])
    result: dict[str, list[str]] = {}
    for path in sorted((FORUM / "templates").rglob("*.html")):
        if words := template_words(path, env):
            result[str(path.relative_to(ROOT))] = words
    for path in sorted(FORUM.rglob("*.py")):
        name = str(path.relative_to(FORUM))
        if any(name == m or name.startswith(m + "/") for m in DEVELOPER_MODULES):
            continue
        if words := python_words(path):
            result[str(path.relative_to(ROOT))] = words
    return result


if __name__ == "__main__":
    found = unmarked()
    for name, words in found.items():
        print(f"{name}:")
        for word in words:
            print(f"    {word}")
    print(sum(len(w) for w in found.values()), "unmarked in", len(found), "files", file=sys.stderr)
