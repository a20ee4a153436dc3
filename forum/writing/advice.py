"""Writing advice for a question or an answer, as plain functions: jargon, long sentences, reading ease, steps.

It advises and never blocks. The reading-ease figure is textstat's Flesch reading ease, unchanged.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import textstat

from ..i18n import _
from ..markup import render_markdown

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .glossary import Term

#: Sentences longer than this many words are hard to follow on a phone.
LONG_SENTENCE = 25
#: Below this many words the reading-ease figure says little, so it is not shown.
MIN_WORDS_FOR_EASE = 20
#: Flesch reading ease below this is "hard" (most adults read 60 and above without effort).
HARD_EASE = 50
#: Abbreviations everyone knows, never flagged.
COMMON_ABBREVIATIONS = frozenset({"IT", "OK", "PC", "TV", "PDF", "FAQ", "CEO", "HR", "UK", "US", "EU", "AM", "PM"})
#: An answer with this many sentences that give an instruction reads like steps.
STEPS = 3
#: Words that suggest someone is giving steps.
STEP_WORDS = re.compile(r"\b(click|open|then|select|choose|press|type|restart|go to|tap|next)\b", re.IGNORECASE)

_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h\d|blockquote|td|th)>|<br\s*/?>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,5})s?(?![\w-])")


@dataclass(frozen=True)
class Found:
    """A term from the glossary that the text uses, with the plain words to offer."""

    term: str
    plain: str


@dataclass(frozen=True)
class Advice:
    """Everything the side note says about one text."""

    jargon: list[Found] = field(default_factory=list)
    #: Abbreviations that are not in the glossary and not spelled out.
    abbreviations: list[str] = field(default_factory=list)
    #: The start of each sentence longer than LONG_SENTENCE words, with its length.
    long_sentences: list[tuple[str, int]] = field(default_factory=list)
    #: textstat's Flesch reading ease, or None for a text too short to judge.
    reading_ease: float | None = None
    #: True when an answer reads like steps but has no list.
    number_the_steps: bool = False
    words: int = 0

    @property
    def hard_to_read(self) -> bool:
        return self.reading_ease is not None and self.reading_ease < HARD_EASE

    @property
    def tips(self) -> int:
        """How many things the writer might change."""
        return (
            len(self.jargon)
            + len(self.abbreviations)
            + len(self.long_sentences)
            + int(self.hard_to_read)
            + int(self.number_the_steps)
        )


def prose(source: str) -> tuple[str, bool]:
    """The words a reader reads in a Markdown text (code left out), and whether it has a list."""
    rendered = render_markdown(source)
    has_list = "<ol" in rendered or "<ul" in rendered
    text = _CODE.sub(" ", rendered)
    text = _BLOCK_END.sub("\n", text)
    return html.unescape(_TAG.sub("", text)), has_list


def sentences(text: str) -> list[str]:
    """The text cut into sentences (and list items and lines), without empty ones."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


@lru_cache(maxsize=32)
def _pattern(keys: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for all terms, longest first, whole words only."""
    if not keys:
        return None
    alternatives = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", re.IGNORECASE)


def jargon(text: str, glossary: Mapping[str, Term]) -> list[Found]:
    """Glossary terms the text uses, each once, in the order they first appear."""
    pattern = _pattern(tuple(glossary))
    if pattern is None:
        return []
    seen: dict[str, Found] = {}
    for match in pattern.finditer(text):
        key = " ".join(match.group(1).split()).lower()
        entry = glossary.get(key)
        if entry is not None and key not in seen:
            seen[key] = Found(entry.term, entry.plain)
    return list(seen.values())


def abbreviations(text: str, known: Iterable[str]) -> list[str]:
    """Capital-letter abbreviations that are neither in the glossary, common, nor spelled out in brackets."""
    skip = {k.upper() for k in known} | COMMON_ABBREVIATIONS
    found: dict[str, None] = {}
    for match in _ACRONYM.finditer(text):
        word = match.group(1)
        explained = text[match.end() : match.end() + 3].lstrip().startswith("(")
        if word not in skip and not word.isdigit() and not explained:
            found.setdefault(word)
    return list(found)


def reading_ease(text: str) -> float:
    """textstat's Flesch reading ease: 100 is very easy, 0 very hard."""
    return float(textstat.flesch_reading_ease(text))


def advise(source: str, glossary: Mapping[str, Term], *, kind: str = "answer", accepted: Iterable[str] = ()) -> Advice:
    """What to tell someone writing ``source`` (a question or an answer); ``accepted`` words are never flagged."""
    text, has_list = prose(source)
    parts = sentences(text)
    words = sum(len(s.split()) for s in parts)
    long = [(" ".join(s.split()[:10]), len(s.split())) for s in parts if len(s.split()) > LONG_SENTENCE]
    ease = reading_ease(text) if words >= MIN_WORDS_FOR_EASE else None
    steps = kind == "answer" and not has_list and sum(1 for s in parts if STEP_WORDS.search(s)) >= STEPS
    found = jargon(text, glossary)
    return Advice(
        jargon=found,
        abbreviations=abbreviations(text, [*glossary, *accepted, *(word for f in found for word in f.term.split())]),
        long_sentences=long,
        reading_ease=ease,
        number_the_steps=steps,
        words=words,
    )


def ease_words(ease: float) -> str:
    """The reading-ease figure in words a writer understands."""
    if ease >= 70:
        return _("easy to read")
    if ease >= 60:
        return _("fairly easy to read")
    if ease >= HARD_EASE:
        return _("a bit hard to read")
    return _("hard to read")
