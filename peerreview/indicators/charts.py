"""Server-side SVG charts, identical on screen and on paper.

``svg(chart)`` renders the plain chart data of ``services.chart_data`` (which the portret also keeps
in its versions) and of the network's figures page (``peerreview.network.figures``: bars for many
gemeenten, and a scatter of one indicator against another). The charts use presentation attributes
only (no inline styles, so the strict Content-Security-Policy allows them), carry a <title> and a
<desc> for screen readers, and print every value next to its bar or line, so that nothing depends on
colour alone.
"""

from __future__ import annotations

import math
from typing import Any

from markupsafe import Markup, escape

from peerreview.formatting import number_nl

FONT = "DejaVu Sans, Verdana, sans-serif"
COLOURS = {  # all at least 4.5:1 against white
    "gemeente": "#1d4f91",
    "nederland": "#9a4a00",
    "regio": "#4b5563",
    "grootteklasse": "#4b5563",
    "referentie": "#6b7280",
}
WIDTH = 680


def value_text(value: float, unit: str, decimals: int) -> str:
    text = number_nl(value, decimals)
    if unit == "percent":
        return f"{text} %"
    if unit == "euro":
        return f"€ {text}"
    return text


def svg(chart: dict[str, Any]) -> Markup:
    if chart["kind"] == "bars":
        return _bars(chart)
    if chart["kind"] == "lines":
        return _lines(chart)
    if chart["kind"] == "scatter":
        return _scatter(chart)
    raise ValueError(f"unknown chart kind {chart['kind']!r}")


def _open(chart: dict[str, Any], height: int, summary: str) -> list[str]:
    ident = f"grafiek-{escape(chart['indicator'])}-{chart['kind']}-{'-'.join(chart.get('periods', []))}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="{FONT}" font-size="12">',
        f'<title id="{ident}-t">{escape(chart["title"])}</title>',
        f'<desc id="{ident}-d">{escape(summary)}</desc>',
    ]


def _bars(chart: dict[str, Any]) -> Markup:
    bars = chart["bars"]
    label_width, value_width, bar_height, gap, top = 250, 90, 18, 7, 6
    area = WIDTH - label_width - value_width
    height = top + len(bars) * (bar_height + gap) + 4
    unit, decimals = chart["unit"], chart["decimals"]
    largest = max([b["value"] for b in bars] + [chart.get("baseline") or 0, 1e-9])
    summary = "; ".join(
        f"{b['label']}: {value_text(b['value'], unit, decimals)}" + (" (zie voetnoot)" if b["flagged"] else "")
        for b in bars
    )
    parts = _open(chart, height, summary)
    for n, bar in enumerate(bars):
        y = top + n * (bar_height + gap)
        length = max(1.0, area * bar["value"] / largest) if bar["value"] > 0 else 0
        colour = COLOURS.get(bar["role"], COLOURS["referentie"])
        weight = ' font-weight="bold"' if bar["role"] == "gemeente" else ""
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end" fill="#1f2933"{weight}>'
            f"{escape(bar['label'])}</text>"
        )
        parts.append(
            f'<rect class="bar" x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="{colour}"/>'
        )
        label = value_text(bar["value"], unit, decimals) + (" ⚠" if bar["flagged"] else "")
        parts.append(
            f'<text x="{label_width + length + 6:.1f}" y="{y + 13}" fill="#1f2933"{weight}>{escape(label)}</text>'
        )
    if baseline := chart.get("baseline"):
        x = label_width + area * baseline / largest
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#1f2933" stroke-width="1" '
            'stroke-dasharray="4 3"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten) that cover low..high in about ``count`` steps."""
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step) + 1)]


def _lines(chart: dict[str, Any]) -> Markup:
    lines = chart["lines"]
    periods = chart["periods"]
    unit, decimals = chart["unit"], chart["decimals"]
    height, left, right, top, bottom = 320, 64, 260, 16, 40
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    every: list[float] = [p["value"] for line in lines for p in line["points"]] or [0.0, 1.0]
    low, high = min(every), max(every)
    pad = (high - low) * 0.15 or 1.0
    low, high = max(0.0, low - pad), high + pad

    def x_of(period: str) -> float:
        i = periods.index(period)
        return left + (plot_w * i / (len(periods) - 1) if len(periods) > 1 else plot_w / 2)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    summary = "; ".join(
        f"{line['label']}: "
        + ", ".join(f"{p['label']} {value_text(p['value'], unit, decimals)}" for p in line["points"])
        for line in lines
    )
    parts = _open(chart, height, summary)
    for tick in _ticks(low, high):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#d1d5db"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4b5563">'
            f"{escape(value_text(tick, unit, 0 if tick == round(tick) else max(decimals, 1)))}</text>"
        )
    for period in periods:
        label = next((p["label"] for line in lines for p in line["points"] if p["period"] == period), period)
        parts.append(
            f'<text x="{x_of(period):.1f}" y="{height - 14}" text-anchor="middle" fill="#1f2933">{escape(label)}</text>'
        )
    # Draw the focus gemeente last, so it lies on top.
    ordered = sorted(lines, key=lambda line: line["role"] == "gemeente")
    ends = []
    for line in ordered:
        colour = COLOURS.get(line["role"], COLOURS["referentie"])
        focus = line["role"] == "gemeente"
        width = 3 if focus else 1.5
        points = " ".join(f"{x_of(p['period']):.1f},{y_of(p['value']):.1f}" for p in line["points"])
        dash = "" if line["role"] in ("gemeente", "nederland") else ' stroke-dasharray="5 3"'
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>')
        for p in line["points"]:
            parts.append(
                f'<circle cx="{x_of(p["period"]):.1f}" cy="{y_of(p["value"]):.1f}" r="{4 if focus else 3}" '
                f'fill="{colour}"/>'
            )
        last = line["points"][-1]
        flagged = any(p["flagged"] for p in line["points"])
        ends.append(
            (
                y_of(last["value"]),
                f"{line['label']} {value_text(last['value'], unit, decimals)}" + (" ⚠" if flagged else ""),
                colour,
                focus,
            )
        )
    # End labels, pushed apart so that they do not overlap.
    ends.sort(key=lambda e: e[0])
    placed: list[float] = []
    for y, _text, _c, _f in ends:
        placed.append(max(y, placed[-1] + 14) if placed else y)
    overflow = (placed[-1] if placed else 0) - (height - bottom)
    if overflow > 0:
        placed = [p - overflow for p in placed]
    for (_y, text, colour, focus), y in zip(ends, placed, strict=True):
        weight = ' font-weight="bold"' if focus else ""
        parts.append(f'<text x="{left + plot_w + 10}" y="{y + 4:.1f}" fill="{colour}"{weight}>{escape(text)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def _diamond(x: float, y: float, r: float) -> str:
    return f"M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} L{x - r:.1f},{y:.1f} Z"


def _scatter(chart: dict[str, Any]) -> Markup:
    """One point per gemeente: a diamond with its name for a marked one (a gemeente with a portret), a small
    circle for the others; a legend shows both shapes, so the mark does not depend on colour. Axis labels
    name the indicators and periods; the description lists every point."""
    points = chart["points"]
    x_axis, y_axis = chart["x"], chart["y"]
    height, left, right, top, bottom = 420, 72, 24, 44, 56
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def bounds(values: list[float]) -> tuple[float, float]:
        low, high = min(values), max(values)
        pad = (high - low) * 0.08 or 1.0
        return (max(0.0, low - pad) if low >= 0 else low - pad), high + pad

    x_low, x_high = bounds([p["x"] for p in points] or [0.0, 1.0])
    y_low, y_high = bounds([p["y"] for p in points] or [0.0, 1.0])

    def x_of(value: float) -> float:
        return left + plot_w * (value - x_low) / (x_high - x_low)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - y_low) / (y_high - y_low))

    def text(value: float, axis: dict[str, Any]) -> str:
        return value_text(value, axis["unit"], axis["decimals"])

    def ticks(low: float, high: float, axis: dict[str, Any]) -> list[tuple[float, str]]:
        """Round ticks, labelled without rounding them away; whole steps for a decile or a class."""
        if axis["unit"] in ("decile", "klasse"):
            values = [float(v) for v in range(math.ceil(low), math.floor(high) + 1)]
        else:
            values = _ticks(low, high)
        return [(v, value_text(v, axis["unit"], 0 if v == round(v) else max(axis["decimals"], 1))) for v in values]

    marked_word = chart["legend"]["marked"].lower()
    summary = f"Horizontaal {x_axis['label']}, verticaal {y_axis['label']}. " + "; ".join(
        f"{p['label']}{' (' + marked_word + ')' if p['marked'] else ''}: {text(p['x'], x_axis)} en "
        f"{text(p['y'], y_axis)}" + (" (zie voetnoot)" if p["flagged"] else "")
        for p in points
    )
    parts = _open(chart, height, summary)
    # legend, above the plot
    parts.append(f'<path d="{_diamond(left + 6, 16, 6)}" fill="{COLOURS["gemeente"]}"/>')
    parts.append(f'<text x="{left + 18}" y="20" fill="#1f2933">{escape(chart["legend"]["marked"])}</text>')
    parts.append(
        f'<circle cx="{left + 246}" cy="16" r="4" fill="none" stroke="{COLOURS["referentie"]}" stroke-width="1.5"/>'
    )
    parts.append(f'<text x="{left + 256}" y="20" fill="#1f2933">{escape(chart["legend"]["other"])}</text>')
    # axes with round ticks
    for tick, label in ticks(y_low, y_high, y_axis):
        y = y_of(tick)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#4b5563">{escape(label)}</text>')
    for tick, label in ticks(x_low, x_high, x_axis):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#e5e7eb"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" text-anchor="middle" fill="#4b5563">{escape(label)}</text>'
        )
    parts.append(
        f'<path d="M{left},{top} V{top + plot_h} H{left + plot_w}" fill="none" stroke="#1f2933" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle" fill="#1f2933" font-weight="bold">'
        f"{escape(x_axis['label'])}</text>"
    )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="16" y="{middle:.1f}" text-anchor="middle" fill="#1f2933" font-weight="bold" '
        f'transform="rotate(-90 16 {middle:.1f})">{escape(y_axis["label"])}</text>'
    )
    # the others first, the marked ones on top with their names
    for p in sorted(points, key=lambda p: p["marked"]):
        x, y = x_of(p["x"]), y_of(p["y"])
        if p["marked"]:
            parts.append(f'<path class="point marked" d="{_diamond(x, y, 7)}" fill="{COLOURS["gemeente"]}"/>')
            label = p["label"] + (" ⚠" if p["flagged"] else "")
            anchor, dx = ("end", -10) if x > left + plot_w * 0.75 else ("start", 10)
            parts.append(
                f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" fill="#1f2933" font-weight="bold">'
                f"{escape(label)}</text>"
            )
        else:
            parts.append(
                f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="none" '
                f'stroke="{COLOURS["referentie"]}" stroke-width="1.5"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
