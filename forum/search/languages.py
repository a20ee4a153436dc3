"""Which language a search document is in, and its words' stems in that language, so a German question finds
German answers by word form ("Drucker", "Druckers", "drucken") and English stemming never mangles French.

PostgreSQL does the stemming itself, with the text-search configuration each document carries; on SQLite the
FTS5 index stems English, and this module adds Snowball stems for the documents in other languages.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import snowballstemmer
import sqlalchemy as sa

if TYPE_CHECKING:
    from ..state import ForumState

#: Common words of each language, for telling which one a text is in (a handful is enough).
_COMMON = {
    "en": ("the and is are to of in it my on for not with", "this that have you when what can how do does"),
    "de": ("der die das und ist nicht ich mein meine ein eine", "den dem mit auf wie was wenn sich bei kann geht"),
    "fr": ("le la les et est pas je mon ma un une des du avec", "sur comment quand dans ne se pour mes ça"),
    "es": ("el la los las y es no mi un una con en por para", "cómo cuando se del que está puedo"),
}
COMMON = {language: frozenset(" ".join(words).split()) for language, words in _COMMON.items()}
#: Snowball's name for each locale's language.
STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}
_WORD = re.compile(r"\w+", re.UNICODE)


def languages(state: ForumState) -> dict[str, str]:
    """``FORUM_SEARCH_LANGUAGES``: each locale and the PostgreSQL text-search configuration for it."""
    return dict(state.setting("FORUM_SEARCH_LANGUAGES") or {"en": "english"})


def detect(state: ForumState, text: str) -> str:
    """The configured language whose common words the text uses most; the default locale when none stands out."""
    words = [w.lower() for w in _WORD.findall(text[:4000])]
    default = str(state.setting("FORUM_DEFAULT_LOCALE") or "en")
    best, best_count = default, 0
    for language in languages(state):
        count = sum(1 for w in words if w in COMMON.get(language, ()))
        if count > best_count:
            best, best_count = language, count
    return best


def configuration(state: ForumState, language: str) -> str:
    """The PostgreSQL text-search configuration for a language ("simple": no stemming, for one not configured)."""
    return languages(state).get(language, "simple")


@lru_cache(maxsize=8)
def _stemmer(language: str) -> Any:
    name = STEMMERS.get(language)
    return snowballstemmer.stemmer(name) if name else None


def stems(text: str, language: str) -> str:
    """The text's words as stems of its language, for SQLite's index ("" for English, which FTS5 stems itself)."""
    stemmer = _stemmer(language)
    if language == "en" or stemmer is None:
        return ""
    words = dict.fromkeys(w.lower() for w in _WORD.findall(text))
    return " ".join(dict.fromkeys(stemmer.stemWords(list(words))))


#: Seconds a process trusts its list of the languages the documents are in; a document in a language new to the
#: index is found by its other words, and by word form once the list is read again.
IN_USE_SECONDS = 60.0


def in_use(state: ForumState) -> list[str]:
    """The configured languages some document is written in (the default always): one indexed probe each,
    remembered for ``IN_USE_SECONDS``, so an English-only forum searches exactly as it did before."""
    kept: dict[str, Any] = state.once("search-languages-in-use", dict)
    now = time.monotonic()
    if kept.get("until", 0.0) < now:
        doc = state.models.SearchDoc.__table__
        connection = state.db.session.connection(bind_arguments=state.replica())
        default = str(state.setting("FORUM_DEFAULT_LOCALE") or "en")
        found = []
        for language, config in languages(state).items():
            probe = sa.select(doc.c.id).where(doc.c.config == config).limit(1)
            if language == default or connection.scalar(probe) is not None:
                found.append(language)
        kept.update(languages=found or [default], until=now + IN_USE_SECONDS)
    return list(kept["languages"])


def configurations_in_use(state: ForumState) -> list[str]:
    """The text-search configurations a search asks PostgreSQL for: those of the languages in use."""
    return list(dict.fromkeys(configuration(state, language) for language in in_use(state)))


def query_stems(state: ForumState, word: str) -> list[str]:
    """A searched word's stem in each language in use but English: it may be in any of them."""
    found = []
    for language in in_use(state):
        stemmer = _stemmer(language)
        if language != "en" and stemmer is not None:
            found.append(stemmer.stemWord(word.lower()))
    return list(dict.fromkeys(found))
