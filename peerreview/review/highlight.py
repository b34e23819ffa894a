"""Plain answer text with the annotated passages marked, for the review workspace.

Overlapping annotations split the text into segments; each segment lists every annotation that covers
it. A passage takes its first theme's colour; segments under two or more annotations get an extra
outline. After each passage a numbered link leads to its annotation (and the annotation links back),
so keyboard and screen-reader users can jump both ways.
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

from markupsafe import Markup

from peerreview.review.models import Annotation
from peerreview.sanitize import SCROLL_REGION


def _placed(text: str, items: list[Annotation]) -> list[Annotation]:
    return [
        a
        for a in items
        if a.start is not None
        and a.end is not None
        and a.anchor_status.value != "detached"
        and 0 <= a.start < a.end <= len(text)
    ]


def _marked(text: str, placed: list[Annotation], numbers: dict[int, int], left: int, right: int) -> str:
    """``text[left:right]`` with its passages marked and a reference after each passage ending in it."""
    edges = [int(x) for a in placed for x in (a.start, a.end) if x is not None]
    cuts = sorted({left, right, *(x for x in edges if left < x < right)})
    parts = []
    for lo, hi in pairwise(cuts):
        segment = escape(text[lo:hi])
        covering = [a for a in placed if a.start <= lo and hi <= a.end]  # type: ignore[operator]
        if covering:
            first = covering[0].themes[0] if covering[0].themes else "T1"
            classes = f"hl hl-{first}" + (" hl-overlap" if len(covering) > 1 else "")
            ids = " ".join(f"a-{a.id}" for a in covering)
            parts.append(f'<mark class="{classes}" data-annotations="{ids}">{segment}</mark>')
        else:
            parts.append(segment)
        parts.extend(_reference(a, numbers) for a in placed if a.end == hi)
    return "".join(parts)


def _reference(a: Annotation, numbers: dict[int, int]) -> str:
    number = numbers[a.id]
    return f'<a class="hl-ref" id="h-{a.id}" href="#a-{a.id}" aria-label="Aantekening {number}">{number}</a>'


def highlighted(text: str, items: list[Annotation], numbers: dict[int, int]) -> Markup:
    return Markup(_marked(text, _placed(text, items), numbers, 0, len(text)))  # noqa: S704 - escaped in _marked


def highlighted_table(
    head: list[str], rows: list[list[str]], text: str, items: list[Annotation], numbers: dict[int, int], start: int = 0
) -> Markup | None:
    """A table answer as a table (in a scroll region), with its passages marked. The text between the
    cells (" | " and the line breaks of the plain text) stays in the page, hidden, so that the text of the
    table is still exactly the answer's plain text and a selection maps to the same offsets as in a
    paragraph; the header row is left out of that text (``data-not-answer``). None when the cells do not
    make up ``text`` from ``start`` on (then the caller shows the plain text). Before ``start``: the text
    the answer gives before its table, shown as text."""
    if "\n".join(" | ".join(row) for row in rows) != text[start:]:
        return None
    placed = _placed(text, items)
    before = _marked(text, placed, numbers, 0, start) if start else ""
    header = "".join(f'<th scope="col" data-not-answer>{escape(label)}</th>' for label in head)
    body = []
    offset = start
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            marked = _marked(text, placed, numbers, offset, offset + len(cell))
            offset += len(cell)
            glue = " | " if c < len(row) - 1 else ("\n" if r < len(rows) - 1 else "")
            if glue:
                marked += f'<span class="cell-glue" aria-hidden="true">{escape(glue)}</span>'
                marked += "".join(_reference(a, numbers) for a in placed if offset < a.end <= offset + len(glue))  # type: ignore[operator]
                offset += len(glue)
            cells.append(f"<td>{marked}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return Markup(  # noqa: S704 - every piece of text is escaped above
        f"{before}{SCROLL_REGION}<table><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def theme_styles(colours: dict[str, tuple[str, str]]) -> str:
    """CSS for the theme colours (served as a stylesheet, so no inline styles are needed)."""
    lines = []
    for code, (colour, tint) in colours.items():
        lines.append(f".hl-{code} {{ background: {tint}; border-bottom: 2px solid {colour}; }}")
        lines.append(f".chip-{code} {{ border-color: {colour}; color: {colour}; }}")
        lines.append(f".chip-{code}::before {{ background: {colour}; }}")
    return "\n".join(lines)
