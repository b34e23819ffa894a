"""Rich text: the one allow-list for user HTML, and the canonical plain text derived from it.

Every rich-text field (answers and case texts, visit notes, portret sections, duidingen) is cleaned by
:func:`clean_html`. It either returns the text made harmless or raises :class:`RefusedText` with a Dutch
message; it never shortens what the user typed in silence:

1. **Size first.** More than :data:`MAX_CHARS` characters (HTML included) is refused before anything
   parses it (413), and so is markup nested deeper than :data:`MAX_DEPTH` (422). Both are read from the
   app config (``RICHTEXT_MAX_CHARS``, ``RICHTEXT_MAX_DEPTH``) when an app is running. The depth is
   counted by :func:`_tokens`, a small linear scanner (no regular-expression backtracking, no
   ``html.parser``, whose handling of unclosed ``<a`` is quadratic on Python 3.11), so that the cost
   of cleaning grows linearly with the input (``bench/sanitiser.py``).
2. **Clean** with nh3 (html5ever + ammonia) against the allow-list.
3. **Compare the words.** The words the user sees in their editor must all still be there after
   cleaning; otherwise the save is refused and the message quotes the text from the first word that
   would be lost. "Words" are runs of letters and digits (``\\w+``) of the text between tags, with
   character references decoded, compared as a multiset (so that html5 moving text out of a table
   does not count as a loss). Text the user does not see as words is not counted:

   * attribute values (``alt``, ``title``, ``href``): not text;
   * the content of ``<script>``, ``<style>`` and ``<title>`` and of comments (``<!-- -->``) — but only
     when the element or comment is *closed properly before any other tag*. Code that is opened and
     never closed, or that holds further tags (``<style></math><img …> NA``: the mXSS trick that hides
     the rest of the text inside a style element), counts as visible text from the point where it
     stops looking like code: in a plain text field the user sees those words, and html5 parsing would
     swallow them;
   * everything else is visible, including the content of elements nh3 drops entirely (``<svg>``,
     ``<math>``, ``<xml>``, ``<iframe>``): words that would disappear with such an element make the save
     refused, with a message that asks to paste the text without formatting.
"""

from __future__ import annotations

import functools
import html as htmllib
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser

import nh3

TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "h3", "h4"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCKS = {"p", "li", "h3", "h4", "ul", "ol", "div", "br", "blockquote", "table", "tr", "th", "td", "caption"}


# The portret also holds quotes and tables (respondent lists), and marks every generated block with
# the key of its provenance (data-bron="b12"), which the review team sees next to the text.
PORTRET_TAGS = TAGS | {"blockquote", "table", "thead", "tbody", "tr", "th", "td", "caption"}
PROVENANCE_BLOCKS = ("p", "li", "h3", "h4", "blockquote", "table")
# A block the team inserted from the section's evidence is marked data-bewijs="quote:12" until it is
# saved; saving turns the mark into provenance (``peerreview.portret.evidence.cite``).
PORTRET_ATTRIBUTES = {**ATTRIBUTES, **{tag: {"data-bron", "data-bewijs"} for tag in PROVENANCE_BLOCKS}}
_BRON = re.compile(r"^b\d{1,5}$")
_BEWIJS = re.compile(r"^(answer|summary|annotation|quote|figure|document):[A-Za-z0-9_.-]{1,40}$")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "data-bron":
        return value if _BRON.match(value) else None
    if name == "data-bewijs":
        return value if _BEWIJS.match(value) else None
    return value


MAX_CHARS = 200_000
MAX_DEPTH = 100


class InputRefused(ValueError):
    """Input the app will not take; the message is Dutch and says what to do. The app answers it with
    ``status`` (422, or 413 for too large) and shows the user what they posted (``peerreview.__init__``)."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


class RefusedText(InputRefused):
    """A rich text that cannot be stored as it is. Nothing was cut."""


def _limit(name: str, default: int) -> int:
    from flask import current_app, has_app_context

    return int(current_app.config.get(name, default)) if has_app_context() else default


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def check_size(html: str) -> None:
    """Refuse a text that is too long or too deeply nested to clean (before any cleaning)."""
    max_chars, max_depth = _limit("RICHTEXT_MAX_CHARS", MAX_CHARS), _limit("RICHTEXT_MAX_DEPTH", MAX_DEPTH)
    if len(html) > max_chars:
        raise RefusedText(
            f"De tekst is te lang om op te slaan: {_thousands(len(html))} tekens (opmaak meegeteld), het maximum "
            f"is {_thousands(max_chars)} tekens per veld. Je tekst staat nog in het veld; splits hem over "
            "meerdere velden of verwijder opmaak.",
            status=413,
        )
    if _depth(html, max_depth) > max_depth:
        raise RefusedText(
            f"De opmaak van de tekst is te diep genest (meer dan {max_depth} lagen, bijvoorbeeld lijsten in "
            "lijsten) om veilig op te slaan. Je tekst staat nog in het veld; plak hem zonder opmaak of "
            "vereenvoudig de opmaak."
        )


def clean_html(html: str, portret: bool = False, *, limits: bool = True) -> str:
    """Keep only the allowed tags; everything else (scripts, styles, Word markup) is removed.

    Raises :class:`RefusedText` when the text is too large or too deep, or when cleaning would lose words
    the user sees (see the module docstring). ``limits=False`` is for HTML the app assembled itself from
    texts that were capped when they were stored (the portret generator): no size or depth cap, but the
    words are still checked."""
    html = html or ""
    if limits:
        check_size(html)
    cleaned = nh3.clean(
        html,
        tags=PORTRET_TAGS if portret else TAGS,
        attributes=PORTRET_ATTRIBUTES if portret else ATTRIBUTES,
        attribute_filter=_keep_attribute if portret else None,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style", "xml", "title", "head"},
    )
    cleaned = re.sub(r"<p>(\s|&nbsp;|<br>)*</p>", "", cleaned).strip()
    lost = lost_text(html, cleaned)
    if lost is not None:
        raise RefusedText(
            f"Een deel van de tekst kan niet veilig worden opgeslagen (vanaf ‘{lost}’). Je tekst staat nog in "
            "het veld; plak hem zonder opmaak of verwijder de code, en sla opnieuw op."
        )
    return cleaned


def without_provenance(html: str) -> str:
    """The portret's HTML without its provenance marks, for readers outside the review team."""
    return re.sub(r' data-(?:bron="b\d{1,5}"|bewijs="[^"]*")', "", html)


SCROLL_REGION = (
    '<div class="table-scroll" tabindex="0" role="region" aria-label="Tabel (schuift opzij op smalle schermen)">'
)


def scrollable_tables(html: str) -> str:
    """Cleaned HTML with every table in a scroll region that keyboard users can focus, so a wide table
    scrolls on its own at 320 px instead of widening the page. Only for HTML from ``clean_html``, whose
    tables are well formed."""
    return re.sub(r"</table>", "</table></div>", re.sub(r"<table(?=[\s>])", SCROLL_REGION + "<table", html))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []

    def _end_block(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self._end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        self.current.append(data)


# Pages derive the plain text of every answer on them (is it filled in, how many words) on each request;
# the same stored HTML comes back request after request, so the parse is remembered per process.
@functools.lru_cache(maxsize=2048)
def plain_text(html: str) -> str:
    """Canonical plain text: one line per block (paragraph, list item, heading), spaces collapsed."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    parser._end_block()
    return "\n".join(parser.blocks)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


# --- visible words and nesting depth, by a linear scanner --------------------------------------------

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# A start tag of these closes an open sibling of the same name (html5's implied end tags), roughly.
_SIBLINGS = {"p", "li", "dt", "dd", "option", "tr", "td", "th"}
_CODE = {"script", "style", "title"}
_IN_TAG = re.compile(r"[>=]")
_NAME = re.compile(r"[^\t\n\f\r />]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_WORD = re.compile(r"\w")
_NOT_WORD = re.compile(r"\W+")


def _tag_end(text: str, pos: int) -> int:
    """The index of the ``>`` that ends the tag whose attributes start at ``pos``; -1 if it never ends.

    Quotes count only right after ``=`` (as in html5); every search moves forward, so this is linear."""
    while True:
        m = _IN_TAG.search(text, pos)
        if m is None:
            return -1
        if m.group() == ">":
            return m.start()
        pos = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
        quote = text[pos : pos + 1]
        if quote in ('"', "'"):
            close = text.find(quote, pos + 1)
            if close < 0:
                return -1
            pos = close + 1


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """("text", data) with references decoded, ("start", name), ("end", name), ("comment", ""), and
    ("open", rest) for a comment or tag that is never closed (html5 swallows the rest of the input)."""
    i, n = 0, len(text)
    while i < n:
        lt = text.find("<", i)
        if lt < 0:
            yield "text", htmllib.unescape(text[i:])
            return
        if lt > i:
            yield "text", htmllib.unescape(text[i:lt])
        following = text[lt + 1 : lt + 2]
        if text.startswith("<!--", lt):
            if text.startswith("<!-->", lt) or text.startswith("<!--->", lt):
                i = text.index(">", lt) + 1
                yield "comment", ""
                continue
            end = text.find("-->", lt + 4)
            if end < 0:
                yield "open", htmllib.unescape(text[lt + 4 :])
                return
            yield "comment", ""
            i = end + 3
        elif following in ("!", "?") or (following == "/" and not text[lt + 2 : lt + 3].isalpha()):
            end = text.find(">", lt + 1)  # a bogus comment (doctype, CDATA, ``</ >``) up to the next ``>``
            if end < 0:
                yield "open", htmllib.unescape(text[lt:])
                return
            yield "comment", ""
            i = end + 1
        elif following.isascii() and (following.isalpha() or following == "/"):
            closing = following == "/"
            start = lt + 2 if closing else lt + 1
            name_end = _NAME.match(text, start).end()  # type: ignore[union-attr]
            end = _tag_end(text, name_end)
            if end < 0:
                yield "open", htmllib.unescape(text[lt:])
                return
            name = text[start:name_end].lower()
            yield ("end" if closing else "start"), name
            if not closing and text[end - 1] == "/" and end - 1 >= name_end:
                yield "end", name  # <x/>
            i = end + 1
        else:
            yield "text", "<"
            i = lt + 1


def _depth(text: str, limit: int) -> int:
    """The deepest nesting of elements, counted until it passes ``limit``."""
    stack: list[str] = []
    deepest = 0
    for kind, name in _tokens(text):
        if kind == "start" and name not in _VOID:
            if name in _SIBLINGS and stack and stack[-1] == name:
                stack.pop()
            stack.append(name)
            deepest = max(deepest, len(stack))
            if deepest > limit:
                return deepest
        elif kind == "end" and name in stack:
            while stack.pop() != name:
                pass
    return deepest


def visible_text(text: str) -> str:
    """The text a user sees of ``text`` in their editor, as the module docstring defines it."""
    parts: list[str] = []
    code: str | None = None  # inside a <script>/<style>/<title> that so far holds only text
    held: list[str] = []
    for kind, data in _tokens(text):
        if kind == "text":
            (held if code else parts).append(data)
            continue
        if code:
            if not (kind == "end" and data == code):
                parts.extend(held)  # the "code" holds tags: it is not code, its text is visible
            code, held = None, []
        if kind == "start" and data in _CODE:
            code = data
        elif kind == "open":
            parts.append(data)
        parts.append(" ")
    parts.extend(held)  # never closed: visible
    return "".join(parts)


def lost_text(before: str, after: str, width: int = 60) -> str | None:
    """``None`` if every visible letter and digit of ``before`` is still in ``after``; otherwise the
    visible text of ``before`` from the first word that is lost (at most ``width`` characters)."""
    seen = visible_text(before)
    kept = _NOT_WORD.sub("", visible_text(after))
    if not Counter(_NOT_WORD.sub("", seen)) - Counter(kept):
        return None
    # Where: the first letter that cannot be matched in order (the output keeps the input's order).
    k, position = 0, 0
    for m in _WORD.finditer(seen):
        if k < len(kept) and kept[k] == m.group():
            k += 1
            continue
        position = m.start()
        break
    while position > 0 and _WORD.match(seen, position - 1):
        position -= 1
    snippet = " ".join(seen[position:].split())
    return snippet if len(snippet) <= width else snippet[:width].rstrip() + "…"


class RichText:
    """WTForms validator: the field's HTML can be cleaned without losing words (``clean_html`` would
    not refuse it), so the form comes back with the message next to the field and the text in it."""

    def __init__(self, portret: bool = False) -> None:
        self.portret = portret

    def __call__(self, form: object, field: object) -> None:
        from wtforms.validators import ValidationError

        try:
            clean_html(getattr(field, "data", None) or "", portret=self.portret)
        except RefusedText as refused:
            raise ValidationError(str(refused)) from None


# For the hidden revision fields of forms (``Regexp(r"^\d{1,9}$", message=REVISION_MESSAGE)``).
REVISION_MESSAGE = (
    "De versie waarop je wijziging is gebaseerd is ongeldig. Laad de pagina opnieuw; je tekst staat hier nog."
)
