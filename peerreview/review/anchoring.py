"""Re-anchoring annotations when a municipality revises an answer.

An annotation points into one revision's plain text with two W3C Web Annotation selectors: a
TextQuoteSelector (``exact`` plus up to 32 characters of ``prefix`` and ``suffix``) and a
TextPositionSelector (``start``/``end``, Python ``str`` offsets, end exclusive). When the text is
revised, :func:`reanchor_many` places every selector of an answer in the new text.

The rule is "never at a wrong place". Every placement needs positive evidence, evidence that another
passage explains as well counts for nothing, and what cannot be placed with confidence comes back
``detached`` (the caller keeps the original quote for the reviewer to re-attach).

Evidence
--------

* **Context** is measured against the *old text itself* around the old position (up to 256 characters
  a side), not only the 32 stored characters: how many characters right before (after) a candidate
  still read as before. Standing at the very start (end) of the text, as before, counts as 16.
  (Stale offsets, where the quote is not at ``start:end`` of the old text, are first looked up by
  quote + stored context; failing that, only the stored 32 characters are used.)
* **The revision diff.** Old and new text are split into tokens (words, whitespace runs, punctuation
  marks) and aligned once per answer with :class:`difflib.SequenceMatcher`. Characters in unchanged
  blocks map exactly between the revisions. The *image* of the passage is where its first and last
  characters map to. The diff is a strong hint but not trusted on its own: in repetitive text it aligns
  look-alike stretches, so it never outweighs context, and blocks under 16 characters count for nothing.
* **Other passages.** Where the quote stood elsewhere in the old text too, an occurrence in the new
  text that fits the other old place's context at least as well as ours belongs to that place. The same
  goes for approximate matches whose text stood in the old text elsewhere, or that the diff aligns with
  another place whose context fits as well, or that take in a whole sentence from elsewhere.
* **Whole sentences.** Away from the diff's image, an exact occurrence only counts if the context
  reaches the start of the passage's first sentence and the end of its last one: the passage's own
  sentence moved, not another sentence that shares its words ("... met een licht verstandelijke
  beperking"). The image itself (and a fuzzy match the diff pins) must be *tied to the place*: context
  reaching 16+ characters into a neighbouring sentence (or the start / end of the text, as before),
  or the sentence around it still 90%+ the old sentence (an edit, not a look-alike written in other
  words).
* **Word boundaries.** A quote of whole words is never placed on part of a longer word ("raad" in
  "gemeenteraad"), and an approximate range starts and ends with the same kind of character and holds
  no paragraph break the quote did not have.

Steps
-----

0. Unchanged text: the quote is still at ``start:end`` -> ``anchored``/``position``.
1. Exact quote. Every occurrence of ``exact`` in the new text is a candidate (minus the ones above that
   are someone else's). The best one by context is taken if

   * quote length + context >= 40 characters (a 2-letter quote needs most of its context),
   * context >= 8 characters, unless the quote is 60+ characters and occurs once in each revision, and
   * it leads the runner-up by >= 8 characters of context. A tie (a sentence duplicated with the same
     surroundings) is never guessed: detached, unless one of the tied occurrences is the diff's image
     with 32+ characters of context on both sides.

   The diff's image -> ``anchored`` (method ``position`` if the offsets did not change, else ``diff``);
   another occurrence -> ``moved``/``quote``. An occurrence with 32+ characters of context on both sides
   is final. One with less is cross-checked with step 2: an edited version elsewhere that is 70%+
   similar and has more context vetoes it (detached), a clearly better one replaces it.
2. Fuzzy (quotes of 16+ characters; 8+ if the diff pins both neighbours). Where might the edited
   passage stand: the approximate image, where the prefix's tail and the suffix's head now stand, where
   pieces of the quote now stand. Around each, the passage's boundaries come from the surviving context
   (the prefix ends, the suffix begins) unless the quote's own first (last) words survived further in
   (then new text was inserted between them). The ratio is judged on that whole range, so a changed
   first or last word is inside it, never cut off. Accepted with difflib ratio >= 0.85 and

   * the diff aligning one neighbour with the old neighbour over 16+ characters and 32+ characters of
     context on that side, or on both sides 8+, or
   * (moved and edited) 24+ characters of context on both sides, reaching over the whole sentence(s),

   and a clear lead (>= 8, in ratio x length + context) over any other non-overlapping match, even
   one too loose to take, and over the best exact occurrence -> ``moved``/``fuzzy``, with ``exact`` the
   text now in the range. Among overlapping matches (one place, different boundaries) the ratio decides.
3. Small edits (:meth:`_Anchorer._small_edit`): what steps 1-2 leave (no candidate, a tie, too little
   exact context: a typo fixed right next to the quote leaves almost none) is placed where a small edit
   took it: the candidate is 80%+ the quote, with a few typos fixed (a word 70%+ alike), words added, and
   at most one number changed or (in place, in a passage of 5+ words) one word replaced by another, in a
   sentence edited rather than rewritten, not text that the diff takes
   from elsewhere in the old text or that stood there verbatim (a near-duplicate sentence is someone
   else's), and either in place (the diff maps the passage's own characters, or both its neighbours,
   there) or moved with its sentence still 88%+ the same; and nothing comparable elsewhere. The quote
   text then is the edited text -> ``moved``/``fuzzy`` (``anchored``/``diff`` if unchanged in place).
4. Otherwise ``detached``/``none``.

``confidence`` grows with the context found (and the ratio, for fuzzy placements); it is informative,
the decisions above are what enforce the rule, as far as the text allows: some revisions read two ways
(a sentence repeated right next to itself: which one is the original?). The diff is computed once per
answer; the rest is
string searching on a few candidates per selector. ``bench/anchoring.py`` measures accuracy (against a
known ground truth) and speed on generated revisions.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import Match, SequenceMatcher

__all__ = ["Placement", "Selector", "reanchor", "reanchor_many", "selector_for"]

CONTEXT = 32  # characters of prefix/suffix stored with a quote
WIDE = 256  # characters of old text compared around a candidate, per side
BOUNDARY = 16  # context credit for standing at the start (end) of the text, as before
BEYOND = 16  # context reaching this far into a neighbouring sentence ties a candidate to the passage's place
SAME_SENTENCE = 0.9  # ... and so does a sentence around it this similar to the passage's old sentence
MIN_EVIDENCE = 40  # quote length + context characters needed for any placement
MIN_CONTEXT = 8  # context characters needed, unless the quote is long
LONG_QUOTE = 60  # a quote this long, once in the old and once in the new text, needs no context
MARGIN = 8  # the winner must beat the runner-up by this many context characters
FUZZY_MIN_LEN = 16
FUZZY_SHORT_LEN = 8  # shorter quotes only when the diff pins both ends (an in-place edit)
FUZZY_MIN_RATIO = 0.85
FUZZY_VETO_RATIO = 0.7  # an edited version this similar, better placed, vetoes a weak exact occurrence
FUZZY_MIN_SIDE = 8  # context characters needed on each side of a fuzzy match the diff confirms
FUZZY_FREE_SIDE = 24  # ... and on each side of one it does not (moved and edited)
MAX_LOOKALIKES = 5  # an approximate match whose text stood in the old text more often is never taken
FOREIGN_SHARE = 0.2  # a candidate with more old-text-from-elsewhere than this is someone else's
CREDIBLE_BLOCK = 16  # an unchanged block shorter than this (characters) may be a coincidence of the diff
MAX_ANCHOR_HITS = 3  # a context or quote piece found more often than this is no anchor
SMALL_EDIT_MIN_LEN = 12  # step 4 (small edits) places quotes of at least this many characters
SMALL_EDIT_RATIO = 0.8  # ... whose text is at least this similar to the quote
SMALL_EDIT_MOVED_RATIO = 0.85  # ... or, where the diff does not map the passage's own text there (moved), this
SMALL_EDIT_MOVED_LEN = 32  # ... and this long
SMALL_EDIT_SENTENCE = 0.88  # ... in a sentence at least this similar to the passage's old sentence
SMALL_EDIT_REWORDED = 0.7  # a sentence with words replaced must still be this similar to the old one
SMALL_EDIT_MARGIN = 0.05  # a candidate elsewhere within this ratio of the best one makes it ambiguous

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?…](?=\s|$)|\n")


@dataclass(frozen=True)
class Selector:
    exact: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Placement:
    status: str  # "anchored" | "moved" | "detached"
    start: int | None
    end: int | None
    method: str  # "position" | "diff" | "quote" | "fuzzy" | "none"
    confidence: float  # 0..1
    exact: str | None  # the text now at [start:end]


DETACHED = Placement("detached", None, None, "none", 0.0, None)


def selector_for(text: str, start: int, end: int, context: int = CONTEXT) -> Selector:
    """The selectors for ``text[start:end]``; raises ValueError for an empty or out-of-bounds range."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"invalid range {start}:{end} for a text of {len(text)} characters")
    if context < 0:
        raise ValueError("context must not be negative")
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def reanchor(old_text: str, new_text: str, selector: Selector) -> Placement:
    """Place one selector made against ``old_text`` in ``new_text``."""
    return reanchor_many(old_text, new_text, [selector])[0]


def reanchor_many(old_text: str, new_text: str, selectors: list[Selector]) -> list[Placement]:
    """Place every selector of one answer; the revision diff is computed once for all of them."""
    if not selectors:
        return []
    diff = None if old_text == new_text else _Diff(old_text, new_text)
    anchorer = _Anchorer(old_text, new_text, diff)
    return [anchorer.place(s) for s in selectors]


# --- the revision diff ---------------------------------------------------------------------------------


class _Map:
    """Character positions of one text (src) mapped into the other (dst) through token opcodes."""

    __slots__ = ("dst_len", "dst_starts", "op_of", "ops", "src_len", "src_starts")

    def __init__(
        self,
        src_starts: list[int],
        src_len: int,
        dst_starts: list[int],
        dst_len: int,
        ops: list[tuple[bool, int, int, int, int]],
    ) -> None:
        self.src_starts, self.src_len = src_starts, src_len
        self.dst_starts, self.dst_len = dst_starts, dst_len
        self.ops = ops
        op_of = [0] * len(src_starts)
        for k, (_, s1, s2, _, _) in enumerate(ops):
            for i in range(s1, s2):
                op_of[i] = k
        self.op_of = op_of

    def _src_char(self, i: int) -> int:
        return self.src_starts[i] if i < len(self.src_starts) else self.src_len

    def _dst_char(self, j: int) -> int:
        return self.dst_starts[j] if j < len(self.dst_starts) else self.dst_len

    def exact(self, c: int) -> int | None:
        """Where character ``c`` stands in dst, if it lies in an unchanged block (None if it was changed)."""
        if not 0 <= c < self.src_len:
            return None
        i = bisect_right(self.src_starts, c) - 1
        equal, s1, _, d1, _ = self.ops[self.op_of[i]]
        if not equal:
            return None
        return self.dst_starts[d1 + i - s1] + c - self.src_starts[i]

    def approx(self, c: int) -> int:
        """Where character ``c`` is, or would have been, in dst (proportional inside changed blocks)."""
        if not self.src_starts:
            return 0
        c = min(max(c, 0), self.src_len - 1)
        i = bisect_right(self.src_starts, c) - 1
        equal, s1, s2, d1, d2 = self.ops[self.op_of[i]]
        if equal:
            return self.dst_starts[d1 + i - s1] + c - self.src_starts[i]
        j = d1 + ((i - s1) * (d2 - d1)) // max(1, s2 - s1)
        return self._dst_char(j)

    def foreign(self, s: int, e: int, lo: int, hi: int) -> tuple[int, int, int]:
        """How many characters of src[s:e] are unchanged text whose dst position lies outside [lo, hi)
        (counting only unchanged blocks long enough to be credible), and where src[s:e] would then have
        stood in dst (extrapolated from the first and last such character)."""
        n = 0
        first = last = -1
        starts = self.src_starts
        i = max(0, bisect_right(starts, s) - 1)
        while i < len(starts) and starts[i] < e:
            equal, s1, s2, d1, _ = self.ops[self.op_of[i]]
            if equal and self._src_char(s2) - self._src_char(s1) >= CREDIBLE_BLOCK:
                t_start = starts[i]
                t_end = self._src_char(i + 1)
                a, b = max(s, t_start), min(e, t_end)
                d = self.dst_starts[d1 + i - s1] + a - t_start
                if b > a and not lo <= d < hi:
                    n += b - a
                    if first < 0:
                        first = d - (a - s)
                    last = d + (b - a) + (e - b)
            i += 1
        return n, first, last

    def own(self, s: int, e: int, lo: int, hi: int) -> int:
        """How many characters of src[s:e] are unchanged text whose dst position lies inside [lo, hi)."""
        n = 0
        starts = self.src_starts
        i = max(0, bisect_right(starts, s) - 1)
        while i < len(starts) and starts[i] < e:
            equal, s1, _, d1, _ = self.ops[self.op_of[i]]
            if equal:
                a, b = max(s, starts[i]), min(e, self._src_char(i + 1))
                d = self.dst_starts[d1 + i - s1] + a - starts[i]
                if b > a and lo <= d < hi:
                    n += b - a
            i += 1
        return n

    def block_reach(self, c: int, backwards: bool) -> int:
        """How far the unchanged block holding character ``c`` reaches from ``c`` (0 if ``c`` changed)."""
        if not 0 <= c < self.src_len:
            return 0
        i = bisect_right(self.src_starts, c) - 1
        equal, s1, s2, _, _ = self.ops[self.op_of[i]]
        if not equal:
            return 0
        return c + 1 - self._src_char(s1) if backwards else self._src_char(s2) - c


class _Diff:
    """The token alignment of two revisions, both ways."""

    def __init__(self, old: str, new: str) -> None:
        old_tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(old)]
        new_tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(new)]
        matcher = SequenceMatcher(None, [t for _, t in old_tokens], [t for _, t in new_tokens])
        codes = matcher.get_opcodes()
        forward = [(tag == "equal", i1, i2, j1, j2) for tag, i1, i2, j1, j2 in codes]
        backward = [(tag == "equal", j1, j2, i1, i2) for tag, i1, i2, j1, j2 in codes]
        backward.sort(key=lambda op: (op[1], op[2]))
        old_starts, new_starts = [s for s, _ in old_tokens], [s for s, _ in new_tokens]
        self.forward = _Map(old_starts, len(old), new_starts, len(new), forward)
        self.backward = _Map(new_starts, len(new), old_starts, len(old), backward)


# --- placing one selector ------------------------------------------------------------------------------


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix (binary search on slices: C-speed comparisons)."""
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # a[:lo] == b[:lo], a[:hi] != b[:hi]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid
    return lo


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    if a[len(a) - n :] == b[len(b) - n :]:
        return n
    lo, hi = 0, n
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid
    return lo


def _find_all(text: str, pattern: str, start: int = 0, end: int | None = None, limit: int = 0) -> list[int]:
    found = []
    end = len(text) if end is None else end
    i = text.find(pattern, start, end)
    while i != -1:
        found.append(i)
        if limit and len(found) > limit:
            break
        i = text.find(pattern, i + 1, end)
    return found


def _ratio(a: str, b: str, floor: float) -> float:
    """difflib's similarity ratio, or 0.0 when it is certainly below ``floor``."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _at_boundary(text: str, i: int) -> bool:
    """Is position ``i`` not inside a word?"""
    return i <= 0 or i >= len(text) or not (_word_char(text[i - 1]) and _word_char(text[i]))


def _align(window: str, quote_tokens: list[tuple[int, str]]) -> tuple[int, int, bool, bool] | None:
    """Where the quote (as tokens) would start and end in ``window``, judging by the tokens they share,
    and whether its first and last tokens were found there; None when they share less than 75% of the
    quote's characters. Token-level, so cheap; the caller refines and checks character by character.

    Matching blocks at either end that stand much further from the rest in the window than in the quote
    (a stray "De" in a sentence inserted before the passage) are dropped."""
    if not quote_tokens:
        return None
    window_tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(window)]
    matcher = SequenceMatcher(None, [w for _, w in window_tokens], [q for _, q in quote_tokens], autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    quote_len = quote_tokens[-1][0] + len(quote_tokens[-1][1])

    def span(b: Match) -> tuple[int, int, int, int]:  # character ranges of a block in window and quote
        a_last, b_last = window_tokens[b.a + b.size - 1], quote_tokens[b.b + b.size - 1]
        return (window_tokens[b.a][0], a_last[0] + len(a_last[1]), quote_tokens[b.b][0], b_last[0] + len(b_last[1]))

    def dislocated(inner: Match, outer: Match) -> bool:
        (a1, a2, b1, b2), (c1, c2, d1, d2) = span(inner), span(outer)
        gap_window = c1 - a2 if outer.a > inner.a else a1 - c2
        gap_quote = d1 - b2 if outer.b > inner.b else b1 - d2
        return gap_window - gap_quote > max(8, gap_quote)

    while len(blocks) > 1 and dislocated(blocks[1], blocks[0]):
        blocks.pop(0)
    while len(blocks) > 1 and dislocated(blocks[-2], blocks[-1]):
        blocks.pop()
    shared = sum(len(q) for b in blocks for _, q in quote_tokens[b.b : b.b + b.size])
    if shared < 0.75 * quote_len:
        return None
    first, last = span(blocks[0]), span(blocks[-1])
    start = first[0] - first[2]
    end = last[1] + quote_len - last[3]
    return start, end, blocks[0].b == 0, blocks[-1].b + blocks[-1].size == len(quote_tokens)


def _char_align(window: str, quote: str) -> tuple[int, int] | None:
    """Where ``quote`` would start and end in ``window``, aligned character by character (difflib); None
    when they share less than 60 % of the quote. Matching blocks at either end that stand much further
    from the rest in the window than in the quote are dropped (a stray word elsewhere)."""
    matcher = SequenceMatcher(None, window, quote, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 2]

    def far(inner: Match, outer: Match) -> bool:
        if outer.a > inner.a:
            gap_window, gap_quote = outer.a - (inner.a + inner.size), outer.b - (inner.b + inner.size)
        else:
            gap_window, gap_quote = inner.a - (outer.a + outer.size), inner.b - (outer.b + outer.size)
        return gap_window - gap_quote > max(8, gap_quote) and outer.size < 8

    while len(blocks) > 1 and far(blocks[1], blocks[0]):
        blocks.pop(0)
    while len(blocks) > 1 and far(blocks[-2], blocks[-1]):
        blocks.pop()
    if not blocks or sum(b.size for b in blocks) < 0.6 * len(quote):
        return None
    first, last = blocks[0], blocks[-1]
    return first.a - first.b, last.a + last.size + len(quote) - last.b - last.size


def _words_lost(before: str, after: str) -> tuple[int, int, int]:
    """Words of ``before`` no longer in ``after`` (word-level difflib alignment; words only added count for
    nothing): (respelled: a typo fixed, an accent, a word joined, 70 %+ alike; numbers changed; other
    words replaced or deleted)."""
    a, b = _WORD.findall(before), _WORD.findall(after)
    respelled = numbers = replaced = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            for k in range(i1, i2):
                twin = b[j1 + k - i1] if tag == "replace" and j1 + k - i1 < j2 else ""
                if _ratio(a[k], twin, 0.7) >= 0.7 or _ratio(a[k], "".join(b[j1:j2]), 0.7) >= 0.7:
                    respelled += 1
                elif a[k].isdigit() and twin.isdigit():
                    numbers += 1
                else:
                    replaced += 1
    return respelled, numbers, replaced


def _sentence_around(text: str, s: int, e: int) -> str:
    """The sentence(s) holding text[s:e], from the end of the previous sentence to the end of the last."""
    start = s
    while start > 0 and not (
        text[start - 1] == "\n" or (text[start - 1].isspace() and text[start - 2 : start - 1] in (".", "!", "?", "…"))
    ):
        start -= 1
    found = _SENTENCE_END.search(text, max(e - 1, s))
    end = len(text) if found is None else found.end()
    return text[start:end].strip()


def _word_bounds(text: str, i: int) -> tuple[int, int]:
    """The word boundaries at or around position ``i`` (before and after the word it splits)."""
    back = fwd = i
    while 0 < back < len(text) and _word_char(text[back - 1]) and _word_char(text[back]):
        back -= 1
    while 0 < fwd < len(text) and _word_char(text[fwd - 1]) and _word_char(text[fwd]):
        fwd += 1
    return back, fwd


@dataclass
class _Candidate:
    start: int
    end: int
    left: int  # context characters that still stand before the range
    right: int  # ... and after it
    image: bool = False  # where the diff maps the old passage
    ratio: float = 1.0
    acceptable: bool = True  # (approximate matches) enough context to place the annotation here

    @property
    def context(self) -> int:
        return self.left + self.right


@dataclass(frozen=True)
class _Edit:
    """A candidate of the small-edit step: new[start:end], its ratio to the quote, its sentence's ratio to
    the passage's old sentence, whether the diff puts it in place, and whether the edit counts as small."""

    start: int
    end: int
    ratio: float
    sentence: float
    in_place: bool
    small: bool


class _Anchorer:
    """Places selectors made against ``old`` in ``new``; one per answer, shared by its selectors."""

    def __init__(self, old: str, new: str, diff: _Diff | None) -> None:
        self.old, self.new, self.diff = old, new, diff
        self._occurrences: dict[tuple[str, bool, bool], list[int]] = {}

    def place(self, sel: Selector) -> Placement:
        """Steps 0-4 of the module docstring."""
        if not sel.exact:
            return DETACHED
        position = self._old_position(sel)
        if self.diff is None and position is not None:  # unchanged text
            start, end = position
            return Placement("anchored", start, end, "position", 1.0, self.new[start:end])
        target = _Target(self, sel, position)
        exact, tie, rival = self._by_quote(target)
        if tie:
            return self._small_edit(target)
        strong = exact is not None and min(exact.left, exact.right) >= CONTEXT
        if exact is not None and (strong or len(sel.exact) < FUZZY_SHORT_LEN):
            return self._placement(target, exact)
        # No exact occurrence, or one with only part of its context: look for the passage edited.
        fuzzy, near = self._fuzzy(target, rival, exact)
        if fuzzy is not None:
            return self._placement(target, fuzzy)
        if exact is None or near > exact.context:
            return self._small_edit(target)  # an edited version elsewhere is better supported than the exact quote
        return self._placement(target, exact)

    def _placement(self, target: _Target, c: _Candidate) -> Placement:
        share = min(c.context, 2 * WIDE) / (2 * WIDE)
        text = self.new[c.start : c.end]
        if c.ratio < 1.0:
            return Placement("moved", c.start, c.end, "fuzzy", round(c.ratio * (0.6 + 0.4 * share), 3), text)
        if c.image:
            method = "position" if (c.start, c.end) == target.position else "diff"
            return Placement("anchored", c.start, c.end, method, round(0.7 + 0.3 * share, 3), text)
        return Placement("moved", c.start, c.end, "quote", round(0.5 + 0.45 * share, 3), text)

    def _old_position(self, sel: Selector) -> tuple[int, int] | None:
        """Where the selector stands in the old text: its offsets, or (if they are stale) the one place
        where quote and context stand together."""
        old = self.old
        if 0 <= sel.start < sel.end <= len(old) and old[sel.start : sel.end] == sel.exact:
            return sel.start, sel.end
        hits = _find_all(old, sel.prefix + sel.exact + sel.suffix, limit=1)
        if len(hits) == 1:
            start = hits[0] + len(sel.prefix)
            return start, start + len(sel.exact)
        return None

    def occurrences_in_old(self, exact: str, bounded_start: bool, bounded_end: bool) -> list[int]:
        """Where ``exact`` stands in the old text (as whole words, where the passage was whole words)."""
        key = (exact, bounded_start, bounded_end)
        if key not in self._occurrences:
            old, n = self.old, len(exact)
            self._occurrences[key] = [
                p
                for p in _find_all(old, exact)
                if (not bounded_start or _at_boundary(old, p)) and (not bounded_end or _at_boundary(old, p + n))
            ]
        return self._occurrences[key]

    # -- docstring step 3: small edits ------------------------------------------------------------

    def _small_edit(self, t: _Target) -> Placement:
        """Step 3: what steps 1-2 left detached, placed where a small edit (a typo fixed, a word changed
        or added, a sentence moved) took it, if the evidence is unambiguous; otherwise detached.

        Candidates are the quote's exact occurrences and the ranges where it aligns character by character
        (``difflib``) around the diff's image of its old place and around where its context and pieces of
        it now stand; the rules that take one are in the module docstring (step 3)."""
        diff, position = self.diff, t.position
        new, x = self.new, t.exact
        n = len(x)
        if diff is None or position is None or n < SMALL_EDIT_MIN_LEN:
            return DETACHED
        p0, p1 = position
        slack = max(8, n // 3)
        seeds = {diff.forward.approx(p0), diff.forward.approx(p1 - 1) + 1 - n}
        for tail, after in ((t.prefix[-12:], True), (t.suffix[:12], False)):
            if len(tail) >= 6:
                hits = _find_all(new, tail, limit=MAX_ANCHOR_HITS)
                if len(hits) <= MAX_ANCHOR_HITS:
                    seeds.update(h + len(tail) if after else h - n for h in hits)
        q = min(10, n // 3)
        for off in (0, (n - q) // 2, n - q):
            hits = _find_all(new, x[off : off + q], limit=MAX_ANCHOR_HITS)
            if len(hits) <= MAX_ANCHOR_HITS:
                seeds.update(h - off for h in hits)
        ranges: set[tuple[int, int]] = set()
        first, last = diff.forward.exact(p0), diff.forward.exact(p1 - 1)
        if first is not None and last is not None and first <= last:
            ranges.add((first, last + 1))  # the image, with whatever was inserted inside the passage
        for s in _find_all(new, x):
            ranges.add((s, s + n))
        for s0 in seeds:
            lo, hi = max(0, s0 - slack), min(len(new), s0 + n + slack)
            aligned = _char_align(new[lo:hi], x)
            if aligned is not None:
                ranges.update(self._bounds(t, lo + aligned[0], lo + aligned[1]))
        old_sentence = _sentence_around(self.old, p0, p1)
        # The quote once in each revision: the diff may align it with a look-alike, its text is still its own.
        unique = len(_find_all(self.old, x, limit=1)) == 1 and len(_find_all(new, x, limit=1)) == 1
        found: list[_Edit] = []
        for s, e in ranges:
            if not 0 <= s < e <= len(new):
                continue
            if (t.bounded_start and not _at_boundary(new, s)) or (t.bounded_end and not _at_boundary(new, e)):
                continue
            if _word_char(new[s]) != _word_char(x[0]):
                continue
            if _word_char(new[e - 1]) != _word_char(x[-1]) and not (x[-1] in ".,;:!?" and _word_char(new[e - 1])):
                continue  # (a sentence that goes on now ends the passage without its full stop)
            if new.count("\n", s, e) > x.count("\n"):
                continue
            text = new[s:e]
            r = _ratio(text, x, SMALL_EDIT_RATIO)
            if r < SMALL_EDIT_RATIO:
                continue
            foreign = 0 if text == x and unique else diff.backward.foreign(s, e, p0, p1)[0]
            if foreign > FOREIGN_SHARE * (e - s):
                continue  # mostly text that stood elsewhere in the old revision: another passage
            if text != x and any(not p0 <= h < p1 for h in _find_all(self.old, text, limit=MAX_LOOKALIKES)):
                continue  # the edited text stood elsewhere in the old revision already: a near-duplicate's
            # in place: the diff maps the passage's own text onto half of it, or its unchanged neighbours
            # (both sides) onto the text around it
            own = diff.backward.own(s, e, p0, p1)
            in_place = own >= 0.5 * (e - s) or (foreign == 0 and all(self._confirmed(position, s, e)))
            new_sentence = _sentence_around(new, s, e)
            sentence = _ratio(new_sentence, old_sentence, 0.5)
            respelled, numbers, replaced = _words_lost(x, text)
            words = len(_WORD.findall(x))
            sentence_respelled, sentence_numbers, sentence_replaced = _words_lost(old_sentence, new_sentence)
            # typos fixed (a few), words added, one number changed; in place also one word replaced (in a
            # passage of 5+ words); and the sentence around it edited, not rewritten
            small = (
                respelled <= max(2, words // 3)
                and numbers + replaced <= 1
                and (replaced == 0 or (in_place and 5 * replaced <= words))
                and sentence_respelled + sentence_numbers + sentence_replaced
                <= max(2, len(_WORD.findall(old_sentence)) // 8)
                and (sentence_numbers + sentence_replaced == 0 or sentence >= SMALL_EDIT_REWORDED)
            )
            found.append(_Edit(s, e, r, sentence, in_place, small))
        takeable = [
            f
            for f in found
            if f.small
            and (
                f.in_place
                or (
                    n >= SMALL_EDIT_MOVED_LEN
                    and f.ratio >= SMALL_EDIT_MOVED_RATIO
                    and f.sentence >= SMALL_EDIT_SENTENCE
                )
            )
        ]
        if not takeable:
            return DETACHED
        best = max(takeable, key=lambda f: (f.in_place, f.ratio, f.sentence, f.start - f.end))
        for other in found:
            elsewhere = other.end <= best.start or other.start >= best.end  # not the same place, other bounds
            if elsewhere and other.ratio >= (best.ratio - SMALL_EDIT_MARGIN if best.in_place else SMALL_EDIT_RATIO):
                return DETACHED  # about as good elsewhere: no guess
        s, e = best.start, best.end
        text = new[s:e]
        if text == x and best.in_place and diff.forward.exact(p0) == s:
            return Placement("anchored", s, e, "diff", 0.7, text)
        confidence = round(0.5 * best.ratio + 0.3 * best.sentence, 3)
        return Placement("moved", s, e, "quote" if text == x else "fuzzy", confidence, text)

    def _bounds(self, t: _Target, s: int, e: int) -> set[tuple[int, int]]:
        """An aligned range and its variants on word boundaries, without spaces the quote has not."""
        new = self.new
        s, e = max(0, s), min(len(new), e)
        while s < e and new[s].isspace() and not t.exact[0].isspace():
            s += 1
        while e > s and new[e - 1].isspace() and not t.exact[-1].isspace():
            e -= 1
        if s >= e:
            return set()
        starts = self._options(s, t.bounded_start)
        ends = self._options(e, t.bounded_end)
        return {(a, b) for a in starts for b in ends if a < b}

    # -- diff facts ---------------------------------------------------------------------------------

    def _is_image(self, position: tuple[int, int] | None, s: int, e: int) -> bool:
        """Does the diff map the old passage onto new[s:e] (one end exactly, the other not elsewhere)?"""
        if self.diff is None or position is None:
            return False
        first = self.diff.forward.exact(position[0])
        last = self.diff.forward.exact(position[1] - 1)
        if first is None and last is None:
            return False
        return (first is None or first == s) and (last is None or last == e - 1)

    def _foreign(self, t: _Target, s: int, e: int, context: int) -> bool:
        """Is new[s:e] mostly unchanged text that the diff aligns with another place in the old text, whose
        surroundings fit it at least as well as the passage's own (``context``)? (The diff alone is not
        trusted: in repetitive text it aligns look-alike stretches.)"""
        if self.diff is None:
            return False
        lo, hi = t.position if t.position is not None else (0, 0)
        count, q0, q1 = self.diff.backward.foreign(s, e, lo, hi)
        if count <= FOREIGN_SHARE * (e - s):
            return False
        old, cap = self.old, t.cap
        q0, q1 = max(0, min(q0, len(old))), max(0, min(q1, len(old)))
        left, right = _context(
            self.new, s, e, old[max(0, q0 - cap) : q0], old[q1 : q1 + cap], q0 <= cap, q1 + cap >= len(old), cap
        )
        return left + right >= context

    def _elsewhere_sentence(self, t: _Target, s: int, e: int) -> bool:
        """Does new[s:e] hold a whole sentence that stood in the old text, but not in the passage?"""
        if t.position is None:
            return False
        lo, hi = t.position
        text, old, at = self.new[s:e], self.old, 0
        for m in _SENTENCE_END.finditer(text):
            piece = text[at : m.end()].strip()
            at = m.end()
            if len(piece) >= 20:
                hits = _find_all(old, piece, limit=MAX_LOOKALIKES)
                if hits and not any(lo <= h and h + len(piece) <= hi for h in hits):
                    return True
        return False

    def _confirmed(self, position: tuple[int, int] | None, s: int, e: int) -> tuple[bool, bool]:
        """Does the diff align the text right before ``s`` (right after ``e``) with the text right before
        (after) the old passage: the same neighbours, not look-alikes?"""
        if self.diff is None or position is None:
            return False, False
        back = self.diff.backward
        left = right = False
        if s > 0:
            hit = back.exact(s - 1)
            left = hit == position[0] - 1 and back.block_reach(s - 1, True) >= CREDIBLE_BLOCK
        else:
            left = position[0] == 0
        if e < len(self.new):
            hit = back.exact(e)
            right = hit == position[1] and back.block_reach(e, False) >= CREDIBLE_BLOCK
        else:
            right = position[1] == len(self.old)
        return left, right

    # -- step 2: the exact quote --------------------------------------------------------------------

    def _by_quote(self, t: _Target) -> tuple[_Candidate | None, bool, int]:
        """(the occurrence to take or None, rejected for a tie?, context of the best occurrence that is
        not someone else's: a rival any fuzzy match has to beat clearly; -1 if none)."""
        new, n = self.new, len(t.exact)
        candidates: list[_Candidate] = []
        occurrences = 0
        for s in _find_all(new, t.exact):
            e = s + n
            if (t.bounded_start and not _at_boundary(new, s)) or (t.bounded_end and not _at_boundary(new, e)):
                continue  # the passage was whole words; this is part of a longer word
            occurrences += 1
            left, right = t.context(s, e)
            image = self._is_image(t.position, s, e) and (t.tied_to_place(left, right) or t.same_sentence(s, e))
            if not image and not t.whole_sentence(left, right):
                continue  # the words, but in another sentence (or the passage's sentence was edited)
            candidates.append(_Candidate(s, e, left, right, image))
        if not candidates:
            return None, False, -1
        candidates.sort(key=lambda c: (c.context, c.image), reverse=True)
        # The best two occurrences that no other old occurrence of the quote explains as well as ours.
        kept: list[_Candidate] = []
        for c in candidates:
            if kept and c.context <= kept[0].context - MARGIN:
                break
            if not kept and c.context < MIN_CONTEXT and n < LONG_QUOTE:
                break  # nothing from here on can be placed, nor rival a fuzzy match
            if t.explained_by_others(c):
                continue
            kept.append(c)
            if len(kept) == 2:
                break
        if not kept:
            return None, False, -1
        best = kept[0]
        unique = occurrences == 1 and len(self.occurrences_in_old(t.exact, t.bounded_start, t.bounded_end)) == 1
        if n + best.context < MIN_EVIDENCE or (best.context < MIN_CONTEXT and not (n >= LONG_QUOTE and unique)):
            return None, False, best.context
        if best.image and not t.whole_sentence(best.left, best.right):
            # The diff's place, but the sentence around it reads differently; if the passage's whole
            # sentence stands intact elsewhere, the evidence contradicts itself: no guess.
            for c in candidates:
                if not c.image and not t.explained_by_others(c):
                    return None, True, best.context
        if len(kept) > 1 and best.context - kept[1].context < MARGIN:
            # Equally good occurrences: only the diff may choose, and only between well-anchored ones.
            images = [c for c in kept if c.image]
            if images and min(images[0].left, images[0].right) >= CONTEXT:
                return images[0], False, best.context
            return None, True, best.context
        return best, False, best.context

    # -- step 3: fuzzy ------------------------------------------------------------------------------

    def _fuzzy(self, t: _Target, rival: int, exact: _Candidate | None) -> tuple[_Candidate | None, int]:
        """(an acceptable approximate match that beats ``rival`` clearly, or None; the context of the best
        approximate match not overlapping ``exact``, acceptable or not, -1 if none)."""
        new, x = self.new, t.exact
        n = len(x)
        if n < FUZZY_SHORT_LEN or not new:
            return None, -1
        slack = max(6, n // 4)
        seeds: list[int] = []  # estimated starts of the edited passage
        if t.position is not None and self.diff is not None:
            seeds.append(self.diff.forward.approx(t.position[0]))
            seeds.append(self.diff.forward.approx(t.position[1] - 1) + 1 - n)
        ptail, shead = t.prefix[-12:], t.suffix[:12]
        if len(ptail) >= 6:
            hits = _find_all(new, ptail, limit=MAX_ANCHOR_HITS)
            if len(hits) <= MAX_ANCHOR_HITS:
                seeds.extend(h + len(ptail) for h in hits)
        elif not t.prefix:
            seeds.append(0)
        if len(shead) >= 6:
            hits = _find_all(new, shead, limit=MAX_ANCHOR_HITS)
            if len(hits) <= MAX_ANCHOR_HITS:
                seeds.extend(h - n for h in hits)
        elif not t.suffix:
            seeds.append(len(new) - n)
        if n >= 24:
            q = 10
            for off in (0, (n - q) // 2, n - q):
                hits = _find_all(new, x[off : off + q], limit=MAX_ANCHOR_HITS)
                if len(hits) <= MAX_ANCHOR_HITS:
                    seeds.extend(h - off for h in hits)
        kept: list[int] = []
        for s0 in sorted(seeds):
            if not kept or s0 - kept[-1] > slack // 2:
                kept.append(s0)

        found: dict[tuple[int, int], _Candidate] = {}
        unacceptable: list[_Candidate] = []
        ratios: dict[tuple[int, int], float] = {}  # ranges already compared with the quote
        near = -1
        for s0 in kept:
            if exact is not None and abs(s0 - exact.start) <= slack:
                continue  # this window holds the exact occurrence itself: nothing edited to find there
            cand = self._fuzzy_window(t, s0, slack, ratios)
            if cand is None:
                continue
            if exact is None or not (cand.start < exact.end and exact.start < cand.end):
                near = max(near, cand.context)
            if cand.acceptable:
                found[(cand.start, cand.end)] = cand
            elif cand.ratio >= FUZZY_MIN_RATIO:
                unacceptable.append(cand)
        if not found:
            return None, near
        ranked = sorted(found.values(), key=lambda c: c.ratio * n + c.context, reverse=True)
        top = ranked[0]
        # Overlapping candidates are one place with different boundaries: there the text decides (context
        # would favour swallowing a sentence inserted next to the passage). Context decides between places.
        # If the boundaries that fit the text best lack the context to be taken, none are taken.
        same_place = [c for c in ranked + unacceptable if c.start < top.end and top.start < c.end]
        best = max(same_place, key=lambda c: (c.ratio, c.context))
        if not best.acceptable:
            return None, near
        if exact is not None and best.start < exact.end and exact.start < best.end:
            return None, near  # the exact occurrence, give or take a character: not an edit
        if rival >= 0 and best.context - rival < MARGIN:
            return None, near  # the unedited quote stands elsewhere with about as much context
        for other in ranked[1:] + unacceptable:  # a better match elsewhere, even one too loose to take, vetoes
            overlaps = other.start < top.end and top.start < other.end
            if not overlaps and (top.ratio * n + top.context) - (other.ratio * n + other.context) < MARGIN:
                return None, near
        return best, near

    def _fuzzy_window(self, t: _Target, s0: int, slack: int, ratios: dict[tuple[int, int], float]) -> _Candidate | None:
        """The best approximate match of the quote starting near ``s0`` that is not another passage's text,
        if any; ``acceptable`` says whether its context suffices for placing the annotation there.

        Where the surviving context pins a boundary (the stored prefix ends, the suffix begins, near the
        estimate) that boundary is used, and only there: the ratio is judged on the passage as it now
        stands, never on a part of it that leaves the edit out. Boundaries the context does not pin come
        from aligning the quote with the text around ``s0`` (and the word boundaries next to them)."""
        new, x = self.new, t.exact
        n = len(x)
        head, tail = x[: min(12, n)], x[-min(12, n) :]
        s_pin = self._pinned_start(t, s0)
        e_pin = self._pinned_end(t, (s0 if s_pin is None else s_pin) + n)
        start_kept = s_pin is not None and new.startswith(head, s_pin)  # pinned, and the quote begins there
        end_kept = e_pin is not None and new.endswith(tail, 0, e_pin)
        starts: list[int]
        ends: list[int]
        if start_kept and end_kept and s_pin is not None and e_pin is not None and s_pin < e_pin:
            starts, ends = [s_pin], [e_pin]
        else:
            # Align to see where the passage now begins and ends: where its first (last) words survive,
            # that is the boundary, even if new text now stands between it and the old neighbour; where
            # they were changed, the boundary is the pinned one (the changed words belong to the passage).
            lo, hi = max(0, s0 - slack), min(len(new), s0 + n + slack)
            aligned = _align(new[lo:hi], t.tokens)
            if aligned is None:
                return None
            s_est, e_est, head_found, tail_found = lo + aligned[0], lo + aligned[1], aligned[2], aligned[3]
            if e_pin is None or (s_pin is not None and e_pin <= s_pin):
                e_pin = self._pinned_end(t, e_est)
            if s_pin is not None and (start_kept or not head_found):  # start_kept: s_pin is set
                starts = [s_pin]
            elif head_found:
                starts = self._options(s_est, t.bounded_start)
            else:
                return None  # the first words changed and nothing pins where the passage now begins
            if e_pin is not None and (end_kept or not tail_found):  # e_pin may be re-pinned to None above
                ends = [e_pin]
            elif tail_found:
                ends = self._options(e_est, t.bounded_end)
            else:
                return None
        best: tuple[float, int, int] | None = None
        for s in starts:
            for e in ends:
                if not 0 <= s < e <= len(new):
                    continue
                if (t.bounded_start and not _at_boundary(new, s)) or (t.bounded_end and not _at_boundary(new, e)):
                    continue
                if _word_char(new[s]) != _word_char(x[0]) or _word_char(new[e - 1]) != _word_char(x[-1]):
                    continue  # starts or ends with a space or mark where the quote had a letter, or vice versa
                r = ratios.get((s, e))
                if r is None:
                    r = ratios[(s, e)] = _ratio(new[s:e], x, FUZZY_VETO_RATIO)
                if r >= FUZZY_VETO_RATIO and (best is None or r > best[0]):
                    best = (r, s, e)
        if best is None:
            return None
        r, s, e = best
        if new[s:e] == x:
            return None  # the quote itself: step 1 has judged this occurrence already
        if new.count("\n", s, e) > x.count("\n"):
            return None  # a light edit does not split a paragraph inside a passage: a neighbour taken in
        left, right = t.context(s, e)
        if self._foreign(t, s, e, left + right) or self._lookalike(t, s, e, left + right):
            return None  # this text stood in the old revision already, where its surroundings fit as well
        if self._elsewhere_sentence(t, s, e):
            return None  # takes in a sentence from elsewhere in the old text
        pinned_left, pinned_right = self._confirmed(t.position, s, e)
        if n < FUZZY_MIN_LEN:  # short: only an in-place edit, both neighbours pinned by the diff
            acceptable = pinned_left and pinned_right and min(left, right) >= CONTEXT
        elif not t.tied_to_place(left, right) and not t.same_sentence(s, e):
            acceptable = False  # nothing ties it to the passage's place: a look-alike sentence elsewhere
        elif (pinned_left and left >= CONTEXT) or (pinned_right and right >= CONTEXT):
            acceptable = True  # right after (before) the same, unchanged neighbour text
        elif pinned_left or pinned_right:
            acceptable = left >= FUZZY_MIN_SIDE and right >= FUZZY_MIN_SIDE
        else:  # moved and edited: the rest of its sentence(s) must have come along
            acceptable = left >= FUZZY_FREE_SIDE and right >= FUZZY_FREE_SIDE and t.whole_sentence(left, right)
        acceptable = acceptable and r >= FUZZY_MIN_RATIO and r * n + left + right >= MIN_EVIDENCE
        return _Candidate(s, e, left, right, ratio=r, acceptable=acceptable)

    def _lookalike(self, t: _Target, s: int, e: int, context: int) -> bool:
        """Did new[s:e] stand elsewhere in the old text with a context that fits its place at least as well
        as the passage's own (then it is that text, not the passage edited)?"""
        new, old = self.new, self.old
        text = new[s:e]
        hits = _find_all(old, text, limit=MAX_LOOKALIKES)
        if len(hits) > MAX_LOOKALIKES:
            return True
        own = t.position or (-1, -1)
        for q in hits:
            if own[0] <= q < own[1]:
                continue
            prefix, suffix = old[max(0, q - t.cap) : q], old[q + len(text) : q + len(text) + t.cap]
            left, right = _context(new, s, e, prefix, suffix, q <= t.cap, q + len(text) + t.cap >= len(old), t.cap)
            if left + right >= context:
                return True
            need_left, need_right = _sentence_needs(prefix, suffix, text)
            if left >= need_left and right >= need_right and not t.whole_sentence(*t.context(s, e)):
                return True  # its whole sentence stands here, ours does not
        return False

    def _pinned_start(self, t: _Target, s_est: int) -> int | None:
        """Right after the surviving prefix (its last 12 characters), if that stands near ``s_est``."""
        new, tail = self.new, t.prefix[-12:]
        reach = max(12, len(t.exact) // 2)  # how far a changed first word may move the start
        if not t.prefix:
            return 0 if s_est <= reach else None
        if len(tail) < 4:
            return None
        hits = _find_all(new, tail, max(0, s_est - reach - len(tail)), min(len(new), s_est + reach))
        return min((h + len(tail) for h in hits), key=lambda p: abs(p - s_est)) if hits else None

    def _pinned_end(self, t: _Target, e_est: int) -> int | None:
        """Right before the surviving suffix (its first 12 characters), if that stands near ``e_est``."""
        new, head = self.new, t.suffix[:12]
        reach = max(12, len(t.exact) // 2)
        if not t.suffix:
            return len(new) if e_est >= len(new) - reach else None
        if len(head) < 4:
            return None
        hits = _find_all(new, head, max(0, e_est - reach), min(len(new), e_est + reach + len(head)))
        return min(hits, key=lambda p: abs(p - e_est)) if hits else None

    def _options(self, estimate: int, bounded: bool) -> list[int]:
        """An estimated boundary and, for a passage of whole words, the word boundaries around it."""
        i = min(max(estimate, 0), len(self.new))
        return sorted({i, *_word_bounds(self.new, i)}) if bounded else [i]


class _Target:
    """One selector to place, with its context: the old text around its old position when that is
    known (up to WIDE characters a side), otherwise the stored prefix and suffix."""

    def __init__(self, anchorer: _Anchorer, sel: Selector, position: tuple[int, int] | None) -> None:
        self.anchorer, self.position = anchorer, position
        self.exact = sel.exact
        old = anchorer.old
        if position is not None:
            start, end = position
            self.prefix, self.suffix = old[max(0, start - WIDE) : start], old[end : end + WIDE]
            self.at_start, self.at_end = start <= WIDE, end + WIDE >= len(old)
            self.cap = WIDE
        else:
            self.prefix, self.suffix = sel.prefix, sel.suffix
            self.at_start, self.at_end = len(sel.prefix) < CONTEXT, len(sel.suffix) < CONTEXT
            self.cap = CONTEXT
        self.tokens = [(m.start(), m.group()) for m in _TOKEN.finditer(sel.exact)]
        self.bounded_start = not self.prefix or not (_word_char(self.prefix[-1]) and _word_char(self.exact[0]))
        self.bounded_end = not self.suffix or not (_word_char(self.suffix[0]) and _word_char(self.exact[-1]))
        self._others: list[tuple[str, str, bool, bool]] | None = None
        self._sentence: tuple[int, int] | None = None

    def context(self, s: int, e: int) -> tuple[int, int]:
        return _context(self.anchorer.new, s, e, self.prefix, self.suffix, self.at_start, self.at_end, self.cap)

    def whole_sentence(self, left: int, right: int) -> bool:
        """Does context (left, right) reach from the start of the passage's first sentence to the end of its
        last one? Away from where the diff puts it, that is what tells the passage's own sentence, moved,
        from another sentence that shares its words ("... met een licht verstandelijke beperking")."""
        if self._sentence is None:
            self._sentence = _sentence_needs(self.prefix, self.suffix, self.exact)
        return left >= self._sentence[0] and right >= self._sentence[1]

    def tied_to_place(self, left: int, right: int) -> bool:
        """Does the context on one side reach past the passage's sentence into its neighbour (or to the
        start / end of the text, as before)? That ties a candidate to the passage's place, not just to its
        wording: in repetitive text the diff can align a sentence with a look-alike."""
        if self._sentence is None:
            self._sentence = _sentence_needs(self.prefix, self.suffix, self.exact)
        need_left, need_right = self._sentence
        # at the start (end) of the text as before, _context gives at least BOUNDARY for the whole prefix
        left_edge = self.at_start and left >= max(len(self.prefix), BOUNDARY)
        right_edge = self.at_end and right >= max(len(self.suffix), BOUNDARY)
        return (
            left >= min(need_left + BEYOND, self.cap)
            or right >= min(need_right + BEYOND, self.cap)
            or left_edge
            or right_edge
        )

    def same_sentence(self, s: int, e: int) -> bool:
        """Is the sentence around new[s:e] at least 90% the passage's old sentence (a light edit, not a
        look-alike written with other words)?"""
        if self._sentence is None:
            self._sentence = _sentence_needs(self.prefix, self.suffix, self.exact)
        need_left, need_right = self._sentence
        old_sentence = self.prefix[len(self.prefix) - need_left :] + self.exact + self.suffix[:need_right]
        new = self.anchorer.new
        before, after = new[max(0, s - self.cap) : s], new[e : e + self.cap]
        new_left, new_right = _sentence_needs(before, after, new[s:e])
        new_sentence = new[s - new_left : e + new_right]
        return _ratio(old_sentence, new_sentence, SAME_SENTENCE) >= SAME_SENTENCE

    def explained_by_others(self, c: _Candidate) -> bool:
        """Is ``c`` better explained by another place where the quote stood in the old text: one whose
        surroundings fit ``c`` at least as well, or whose whole sentence stands there while ours does not?"""
        if self._others is None:
            old, n = self.anchorer.old, len(self.exact)
            own = self.position[0] if self.position is not None else -1
            cap = self.cap
            self._others = []
            for p in self.anchorer.occurrences_in_old(self.exact, self.bounded_start, self.bounded_end):
                if p != own:
                    prefix, suffix = old[max(0, p - cap) : p], old[p + n : p + n + cap]
                    self._others.append((prefix, suffix, p <= cap, p + n + cap >= len(old)))
        new = self.anchorer.new
        ours_whole: bool | None = None
        for prefix, suffix, at_start, at_end in self._others:
            left, right = _context(new, c.start, c.end, prefix, suffix, at_start, at_end, self.cap)
            if left + right >= c.context:
                return True
            need_left, need_right = _sentence_needs(prefix, suffix, self.exact)
            if left >= need_left and right >= need_right:
                if ours_whole is None:
                    ours_whole = self.whole_sentence(c.left, c.right)
                if not ours_whole:
                    return True
        return False


def _sentence_needs(prefix: str, suffix: str, exact: str) -> tuple[int, int]:
    """How many characters of context before and after ``exact`` make up the rest of its sentence(s)
    (all of ``prefix`` / ``suffix`` if the sentence runs beyond them)."""
    last = None
    for last in _SENTENCE_END.finditer(prefix):  # noqa: B007 - the last match is wanted
        pass
    if last is None:
        need_left = len(prefix)
    else:
        j = last.end()
        while j < len(prefix) and prefix[j].isspace():
            j += 1
        need_left = len(prefix) - j
    if not suffix or suffix[0] == "\n" or (exact[-1] in ".!?…" and suffix[0].isspace()):
        need_right = 0
    else:
        found = _SENTENCE_END.search(suffix)
        need_right = len(suffix) if found is None else found.start() if found.group() == "\n" else found.end()
    return need_left, need_right


def _context(
    new: str, s: int, e: int, prefix: str, suffix: str, at_start: bool, at_end: bool, cap: int
) -> tuple[int, int]:
    """Characters of ``prefix`` still right before ``s`` and of ``suffix`` right after ``e``; standing at the
    start (end) of the text exactly as before counts as BOUNDARY characters at least."""
    left = _common_suffix(prefix, new[max(0, s - len(prefix)) : s])
    if at_start and left == len(prefix) == s:
        left = max(left, BOUNDARY)
    right = _common_prefix(suffix, new[e : e + len(suffix)])
    if at_end and right == len(suffix) and e + right == len(new):
        right = max(right, BOUNDARY)
    return left, right
