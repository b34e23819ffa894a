"""Sanitiser benchmark: the cost of ``peerreview.sanitize.clean_html`` against input size and nesting depth.

    .venv/bin/python bench/sanitiser.py             # the tables below
    .venv/bin/python bench/sanitiser.py --repeat 5  # best of 5 instead of 3

What it does, with nothing but the app's own code and the standard library:

1. **Size**: ordinary rich text (Dutch paragraphs with bold, italics, links and lists) from 10 kB up to
   the field limit (``RICHTEXT_MAX_CHARS``, 200 000 characters); and the worst shapes of the same sizes
   that the cap still lets through: nesting at the depth limit repeated, unclosed ``<a`` runs (quadratic
   in ``html.parser`` on Python 3.11), a mXSS string repeated (refused: the words-lost check does all its
   work), and many small tags that nh3 drops (``<span>``).
2. **Depth**: ``<ul><li>`` nested 10..100 levels (the limit) with text at the bottom, and then the
   refusal cost for 1 000..50 000 levels (the issue's 116 s case), which the depth scan stops early.

Every row prints the time (best of ``--repeat``) and the time per kB. Linear growth shows as a roughly
constant µs/kB column; a refused input is marked ``refused``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from peerreview.sanitize import MAX_CHARS, MAX_DEPTH, RefusedText, clean_html

PARAGRAPH = (
    "<p>De gemeente werkt met <strong>wijkteams</strong> die dicht bij gezinnen staan. "
    "<em>Samen met het onderwijs</em> zoeken we naar passende hulp; zie "
    '<a href="https://example.org/jeugd">het beleidsplan</a> voor de cijfers van 2025.</p>'
    "<ul><li>Toegang via de huisarts</li><li>Toegang via het wijkteam</li></ul>"
)
MXSS = "<p>VOOR <form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)> NA</p>"


def _fill(unit: str, size: int) -> str:
    """Whole copies of ``unit`` up to ``size`` characters (a cut tag would be refused as lost text)."""
    return unit * max(1, size // len(unit))


SHAPES: dict[str, Callable[[int], str]] = {
    "ordinary rich text": lambda n: _fill(PARAGRAPH, n),
    f"nesting at depth {MAX_DEPTH}, repeated": lambda n: _fill(
        "<ul><li>" * (MAX_DEPTH // 2) + "tekst" + "</li></ul>" * (MAX_DEPTH // 2), n
    ),
    "unclosed <a runs": lambda n: "<p>tekst</p>" + "<a" * ((n - 12) // 2),
    "mXSS string repeated": lambda n: _fill(MXSS, n),
    "spans nh3 drops": lambda n: _fill("<span>wo</span><span>rd</span> ", n),
}


def _time(html: str, repeat: int) -> tuple[float, str]:
    best, outcome = float("inf"), "stored"
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            clean_html(html)
            outcome = "stored"
        except RefusedText as refused:
            outcome = f"refused ({refused.status})"
        best = min(best, time.perf_counter() - started)
    return best, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    print(f"Size (limit {MAX_CHARS:,} characters per field), best of {options.repeat}\n")
    print(f"{'input':<34} {'size kB':>8} {'time ms':>9} {'µs/kB':>8}  outcome")
    for name, build in SHAPES.items():
        for size in (10_000, 25_000, 50_000, 100_000, 200_000):
            html = build(min(size, MAX_CHARS))
            seconds, outcome = _time(html, options.repeat)
            kb = len(html) / 1000
            print(f"{name:<34} {kb:>8.0f} {seconds * 1000:>9.2f} {seconds * 1e6 / kb:>8.1f}  {outcome}")
        print()

    print(f"Depth (limit {MAX_DEPTH})\n")
    print("levels = <ul><li> pairs, so 2 elements per level; the limit counts elements\n")
    print(f"{'levels':>8} {'size kB':>8} {'time ms':>9} {'µs/kB':>8}  outcome")
    for depth in (10, 25, 50, 51, 100, 1_000, 10_000, 25_000, 50_000):
        html = "<ul><li>" * depth + "tekst" + "</li></ul>" * depth
        if len(html) > MAX_CHARS:
            html = "<ul><li>" * depth  # the input: unclosed, under the size cap up to 25 000
        seconds, outcome = _time(html, options.repeat)
        kb = len(html) / 1000
        print(f"{depth:>8} {kb:>8.1f} {seconds * 1000:>9.2f} {seconds * 1e6 / kb:>8.1f}  {outcome}")


if __name__ == "__main__":
    main()
