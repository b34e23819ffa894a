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


def highlighted(text: str, items: list[Annotation], numbers: dict[int, int]) -> Markup:
    placed = [
        a
        for a in items
        if a.start is not None
        and a.end is not None
        and a.anchor_status.value != "detached"
        and 0 <= a.start < a.end <= len(text)
    ]
    cuts: list[int] = sorted({0, len(text), *(a.start for a in placed), *(a.end for a in placed)})  # type: ignore[arg-type]
    ends: dict[int, list[Annotation]] = {}
    for a in placed:
        ends.setdefault(a.end, []).append(a)  # type: ignore[arg-type]
    parts = []
    for left, right in pairwise(cuts):
        segment = escape(text[left:right])
        covering = [a for a in placed if a.start <= left and right <= a.end]  # type: ignore[operator]
        if covering:
            first = covering[0].themes[0] if covering[0].themes else "T1"
            classes = f"hl hl-{first}" + (" hl-overlap" if len(covering) > 1 else "")
            ids = " ".join(f"a-{a.id}" for a in covering)
            parts.append(f'<mark class="{classes}" data-annotations="{ids}">{segment}</mark>')
        else:
            parts.append(segment)
        for a in ends.get(right, []):
            parts.append(
                f'<a class="hl-ref" id="h-{a.id}" href="#a-{a.id}" aria-label="Aantekening {numbers[a.id]}">'
                f"{numbers[a.id]}</a>"
            )
    return Markup("".join(parts))  # noqa: S704 - every piece of text is escaped above


def theme_styles(colours: dict[str, tuple[str, str]]) -> str:
    """CSS for the theme colours (served as a stylesheet, so no inline styles are needed)."""
    lines = []
    for code, (colour, tint) in colours.items():
        lines.append(f".hl-{code} {{ background: {tint}; border-bottom: 2px solid {colour}; }}")
        lines.append(f".chip-{code} {{ border-color: {colour}; color: {colour}; }}")
        lines.append(f".chip-{code}::before {{ background: {colour}; }}")
    return "\n".join(lines)
