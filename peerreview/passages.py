"""Finding a typed or pasted passage in a text: for annotations on answers and quotes from notes."""

from __future__ import annotations

import re


class PassageError(ValueError):
    """The passage cannot be placed; the message is Dutch and says what to do."""


def locate(text: str, passage: str, where: str = "het antwoord") -> tuple[int, int]:
    """Where ``passage`` stands in ``text`` (whitespace- and case-tolerant); refuses ambiguity."""
    words = passage.split()
    if not words:
        raise PassageError("Typ of plak de passage waar het om gaat.")
    pattern = r"\s+".join(re.escape(w) for w in words)
    matches = list(re.finditer(pattern, text, flags=re.IGNORECASE))
    if not matches:
        raise PassageError(f"Deze passage staat niet (letterlijk) in {where}. Kopieer een stuk tekst uit {where}.")
    if len(matches) > 1:
        raise PassageError(f"Deze passage komt {len(matches)} keer voor in {where}. Neem een paar woorden meer op.")
    return matches[0].start(), matches[0].end()
