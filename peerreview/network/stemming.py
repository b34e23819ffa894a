"""Dutch stemming for the network's search, done in Python so that PostgreSQL and SQLite index and search
exactly the same tokens.

Neither database can do it alone: SQLite's FTS5 has no Dutch stemmer at all, and PostgreSQL's ``dutch``
configuration (the old Snowball/Porter Dutch stemmer) joins *voorziening/voorzieningen* and
*jongere/jongeren* but not *gezin/gezinnen* or *huisarts/huisartsen*. So the text is folded and stemmed
here, and both databases get the stems as plain, space-separated words (PostgreSQL's ``simple``
configuration, FTS5's ``unicode61`` tokenizer), which neither changes any further.

The steps, for a document and for a query alike (:func:`stems`):

1. lowercase and fold accents (``één`` -> ``een``, ``coöperatie`` -> ``cooperatie``);
2. split into words of letters and digits (hyphens, apostrophes and punctuation separate words);
3. a word in the exception table ``forms/search-stems-v1.yaml`` gets the stem written there (the
   Snowball stemmer strips ``ge-`` and would join *gezin* with *zin*; see that file);
4. any other word is stemmed by the Snowball ``dutch`` stemmer (``snowballstemmer``, pure Python).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import snowballstemmer  # type: ignore[import-untyped]

from peerreview import yamlfiles
from peerreview.config import ROOT

EXCEPTIONS_FILE = ROOT / "forms" / "search-stems-v1.yaml"
WORD = re.compile(r"[^\W_]+")
MAX_WORD = 60  # longer "words" are noise (a pasted URL, a hash); PostgreSQL refuses lexemes over 2 KB


@functools.cache
def _data() -> dict[str, object]:
    return yamlfiles.load(EXCEPTIONS_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def exceptions() -> dict[str, str]:
    return {fold(str(word)): str(stem) for word, stem in _data()["stems"].items()}  # type: ignore[attr-defined]


@functools.cache
def stopwords() -> frozenset[str]:
    """Stems of words too common to search for (a query of only such words keeps them)."""
    return frozenset(stem(fold(str(word))) for word in _data()["stopwords"])  # type: ignore[attr-defined]


def query_stems(query: str) -> list[str]:
    """The distinct stems a query searches for, in order, without stop words (unless that leaves none)."""
    found = list(dict.fromkeys(stems(query)))
    meaningful = [s for s in found if s not in stopwords()]
    return meaningful or found


@functools.cache
def _stemmer() -> Any:
    return snowballstemmer.stemmer("dutch")


def fold(text: str) -> str:
    """Lowercase, without accents (canonical decomposition, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _exceptions() -> dict[str, str]:
    return exceptions()


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one folded word."""
    fixed = _exceptions().get(word)
    if fixed is not None:
        return fixed
    return str(_stemmer().stemWord(word))


def words(text: str) -> Iterator[re.Match[str]]:
    """The words of ``text`` with their positions in it (for highlighting)."""
    return WORD.finditer(text)


@functools.lru_cache(maxsize=65536)
def stem_of(raw_word: str) -> str:
    """The stem of a word as it stands in a text (folded first)."""
    folded = fold(raw_word)
    return stem(folded) if len(folded) <= MAX_WORD else ""


def stems(text: str) -> list[str]:
    """The stems of every word in ``text``, in order (repeats kept: they weigh in the ranking)."""
    out = []
    for match in WORD.finditer(fold(text)):
        word = match.group()
        if len(word) <= MAX_WORD:
            out.append(stem(word))
    return out


def stem_text(text: str) -> str:
    """The stems of ``text`` as one space-separated string, as both databases index it."""
    return " ".join(stems(text))
