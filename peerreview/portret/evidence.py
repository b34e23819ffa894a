"""Evidence for a portret section, and the cited blocks the review team inserts into its text.

An :class:`Evidence` item is one piece of the visitatie's material (an answer of the zelfevaluatie, a
theme summary, a strength or development point, a quote, a key figure with the gemeente's duiding, a
document), with its excerpt, how it is attributed, and its provenance items (the same shape as the
draft generator's, so the review team sees the source next to the text).

A cited block is a paragraph or a quote marked ``data-bewijs="<ref>"`` (``quote:12``, ``answer:s1_1``).
When the section is saved, :func:`cite` turns every mark whose reference is evidence *of this section*
into an ordinary provenance key (``data-bron="bN"``) with the item's sources; any other mark is dropped.
So a block pasted from elsewhere, or with a forged reference, gets no provenance, and nothing else
changes: the block's text is the user's text like any other.

The excerpt rules are shared with the generator: an answer is cited by its key paragraphs
(:func:`key_paragraphs`), never as a whole.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

REF = re.compile(r"^(answer|summary|annotation|quote|figure|document):[A-Za-z0-9_.-]{1,40}$")
_MARK = re.compile(r' data-bewijs="([^"]*)"')
_MARKED_TAG = re.compile(r'<[a-z0-9]+ [^>]*data-bewijs="[^"]*"[^>]*>')
_KEY = re.compile(r'data-bron="b(\d{1,5})"')
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")

# The link from a cited answer to its full text. Stored as a fragment (``#zelfevaluatie/s1_1``) so the
# stored HTML does not depend on where the app is mounted; ``selfeval_links`` makes it a link for readers
# who may open the zelfevaluatie, and removes the paragraph for everyone else (published, network, PDF).
SELFEVAL_HREF = "#zelfevaluatie/"
_LINK_PARAGRAPH = re.compile(
    r'<p(?: data-bron="b\d{1,5}")?><a href="#zelfevaluatie/([A-Za-z0-9_]{1,40})"[^>]*>[^<]*</a></p>'
)
_LINK_HREF = re.compile(r'href="#zelfevaluatie/([A-Za-z0-9_]{1,40})"')
_LINK = re.compile(r'<a href="#zelfevaluatie/[A-Za-z0-9_]{1,40}"[^>]*>(.*?)</a>', re.S)


@dataclass(frozen=True)
class Evidence:
    ref: str  # "<kind>:<id>", unique within a visitatie
    kind: str  # answer | summary | strength | development | quote | figure | document
    title: str  # what the item is, in a few words
    text: str  # the excerpt as plain text (paragraphs separated by newlines)
    attribution: str  # who says it: "De gemeente in de zelfevaluatie", "Teamleider toegang, Gemeente X"
    sources: list[dict[str, Any]] = field(default_factory=list, compare=False)
    themes: tuple[str, ...] = ()
    group: str = ""  # quotes: the respondent's role; figures: the indicator group
    trimmed: bool = False  # the excerpt leaves out part of the text
    full_text_key: str = ""  # answers: the question key, for the link to the full answer

    def block_html(self) -> str:
        """The cited block as it goes into the section's HTML (before saving: marked ``data-bewijs``)."""
        mark = f' data-bewijs="{html.escape(self.ref)}"'
        body = " … ".join(p for p in self.text.split("\n") if p.strip())
        if self.kind == "quote":
            return (
                f"<blockquote{mark}><p>“{html.escape(self.text)}”</p>"
                f"<p>– {html.escape(self.attribution)}</p></blockquote>"
            )
        if self.kind == "answer":
            return f"<p{mark}>{html.escape(self.attribution)} schrijft: “{html.escape(body)}”</p>"
        if self.kind == "summary":
            return f"<p{mark}>{html.escape(body)}</p>"
        if self.kind == "strength":
            return f"<p{mark}>Het reviewteam ziet als sterkte: {html.escape(body)}</p>"
        if self.kind == "development":
            return f"<p{mark}>Als ontwikkelpunt noemt het reviewteam: {html.escape(body)}</p>"
        if self.kind == "figure":
            return f"<p{mark}>{html.escape(body)}</p>"
        return f"<p{mark}>{html.escape(self.title)}: {html.escape(body)}</p>"  # a document

    def link_html(self) -> str:
        """For a trimmed answer: the paragraph that links to the full answer (cited like the block)."""
        if self.kind != "answer" or not self.full_text_key:
            return ""
        return f'<p data-bewijs="{html.escape(self.ref)}">{full_text_link(self.full_text_key, self.title)}</p>'


# --- excerpts -----------------------------------------------------------------------------------------------


def _trim(paragraph: str, max_words: int) -> tuple[str, bool]:
    """Whole sentences up to about ``max_words`` words; a first sentence that is longer is cut with …"""
    words = paragraph.split()
    if len(words) <= max_words:
        return " ".join(words), False
    kept: list[str] = []
    count = 0
    for sentence in _SENTENCE.split(paragraph):
        n = len(sentence.split())
        if kept and count + n > max_words:
            break
        kept.append(" ".join(sentence.split()))
        count += n
    text = " ".join(kept)
    if len(text.split()) > max_words:
        text = " ".join(text.split()[:max_words]).rstrip(",;:") + " …"
    return text, True


def key_paragraphs(plain: str, max_paragraphs: int = 2, max_words: int = 70) -> tuple[list[str], bool]:
    """The paragraphs that carry an answer, in their order: the first (it usually says what the answer
    is about) and the one with the most concrete content (figures, years, names of things), each cut to
    whole sentences of about ``max_words`` words. Returns the paragraphs and whether anything was left out."""
    paragraphs = [" ".join(p.split()) for p in plain.split("\n") if p.strip()]
    if not paragraphs:
        return [], False
    chosen = [0]
    if max_paragraphs > 1 and len(paragraphs) > 1:

        def weight(i: int) -> tuple[int, int]:
            p = paragraphs[i]
            return len(re.findall(r"\d+", p)) + len(re.findall(r"\b[A-Z][a-z]+[A-Z]|\b[A-Z]{2,}", p)), len(p.split())

        chosen.append(max(range(1, len(paragraphs)), key=weight))
    trimmed = len(chosen) < len(paragraphs)
    result = []
    for i in sorted(chosen):
        text, cut = _trim(paragraphs[i], max_words)
        result.append(text)
        trimmed = trimmed or cut
    return result, trimmed


# --- citing: marks become provenance ------------------------------------------------------------------


def next_key(content: dict[str, Any]) -> int:
    """The first provenance number not used anywhere in the portret."""
    used = [0]
    for section in content.get("sections", []):
        used += [int(k[1:]) for k in section.get("provenance", {}) if k[1:].isdigit()]
        used += [int(n) for n in _KEY.findall(section.get("html", ""))]
    return max(used) + 1


def cite(body: str, evidence: Mapping[str, Evidence], first_key: int) -> tuple[str, dict[str, list[dict[str, Any]]]]:
    """Replace every ``data-bewijs`` mark of ``body`` (cleaned HTML): a reference to an item of
    ``evidence`` becomes ``data-bron="bN"`` (numbered from ``first_key``) with its sources; any other mark
    is removed. Returns the HTML and the new provenance entries."""
    added: dict[str, list[dict[str, Any]]] = {}
    counter = [first_key]

    def replace(match: re.Match[str]) -> str:
        item = evidence.get(html.unescape(match.group(1)))
        if item is None or not item.sources:
            return ""
        key = f"b{counter[0]}"
        counter[0] += 1
        added[key] = [dict(s) for s in item.sources]
        return f' data-bron="{key}"'

    def tag(match: re.Match[str]) -> str:
        whole = match.group(0)
        if "data-bron=" in whole:  # already has provenance: keep that one
            return _MARK.sub("", whole)
        return _MARK.sub(replace, whole)

    return _MARKED_TAG.sub(tag, body), added


def marks(body: str) -> set[str]:
    """The evidence references marked in ``body`` (not saved yet)."""
    return {html.unescape(m) for m in _MARK.findall(body)}


def full_text_link(key: str, label: str) -> str:
    """The paragraph that links a cited answer to its full text (see ``SELFEVAL_HREF``)."""
    return f'<a href="{SELFEVAL_HREF}{key}">Het hele antwoord op ‘{html.escape(label)}’ in de zelfevaluatie</a>'


def selfeval_links(body: str, url: Any | None) -> str:
    """The section's HTML for one reader: with ``url`` (``url(question_key) -> str``), the links to the
    full answers point into the zelfevaluatie; without it (the reader may not open the zelfevaluatie:
    published and network views, the PDF), the paragraphs that hold them are removed."""
    if url is None:
        return _LINK.sub(r"\1", _LINK_PARAGRAPH.sub("", body))  # an edited link paragraph keeps its text
    return _LINK_HREF.sub(lambda m: f'href="{html.escape(url(m.group(1)))}"', body)
