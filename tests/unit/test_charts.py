"""Server-side SVG charts: well-formed XML, accessible names, every value as text, nothing unescaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from peerreview.indicators import charts

SVG = "{http://www.w3.org/2000/svg}"

BARS = {
    "kind": "bars",
    "indicator": "LASTEN_GEBRUIKER",
    "title": "Lasten per gebruiker, 2019",
    "unit": "euro",
    "decimals": 0,
    "periods": ["2019"],
    "source": "Bron: Findo.",
    "bars": [
        {"label": "Peel en Maas", "role": "gemeente", "value": 11239, "flagged": False},
        {"label": "Beesel <script>", "role": "referentie", "value": 9406, "flagged": True},
        {"label": "Nederland", "role": "nederland", "value": 11409, "flagged": False},
    ],
}
LINES = {
    "kind": "lines",
    "indicator": "JH121",
    "title": "Jeugdhulp zonder verblijf",
    "unit": "percent",
    "decimals": 1,
    "periods": ["2017-H1", "2020-H1"],
    "source": "Bron: CBS.",
    "lines": [
        {
            "label": "Peel en Maas",
            "role": "gemeente",
            "points": [
                {"period": "2017-H1", "label": "1e helft 2017", "value": 7.8, "flagged": True},
                {"period": "2020-H1", "label": "1e helft 2020", "value": 5.9, "flagged": False},
            ],
        },
        {
            "label": "Nederland",
            "role": "nederland",
            "points": [
                {"period": "2017-H1", "label": "1e helft 2017", "value": 7.1, "flagged": False},
                {"period": "2020-H1", "label": "1e helft 2020", "value": 7.2, "flagged": False},
            ],
        },
    ],
}


@pytest.mark.parametrize("chart", [BARS, LINES], ids=["bars", "lines"])
def test_charts_are_well_formed_and_named(chart):
    root = ET.fromstring(str(charts.svg(chart)))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == chart["title"]
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "style" not in str(charts.svg(chart))  # no inline styles: the CSP allows none


def test_every_bar_shows_its_value_and_a_flagged_bar_its_flag():
    svg = str(charts.svg(BARS))
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"€ 11.239", "€ 9.406 ⚠", "€ 11.409"} <= set(texts)
    assert "Beesel &lt;script&gt;" in svg and "<script>" not in svg
    desc = root.find(f"{SVG}desc").text
    assert "Beesel <script>: € 9.406 (zie voetnoot)" in desc
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[2] > widths[0] > widths[1]  # proportional to the values


def test_lines_end_with_labels_that_do_not_overlap():
    root = ET.fromstring(str(charts.svg(LINES)))
    ends = [t for t in root.iter(f"{SVG}text") if t.text and t.text.startswith(("Peel en Maas", "Nederland"))]
    assert [t.text for t in ends] == ["Nederland 7,2 %", "Peel en Maas 5,9 % ⚠"]
    ys = sorted(float(t.get("y")) for t in ends)
    assert ys[1] - ys[0] >= 14
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_round_ticks():
    assert charts._ticks(5.2, 11.3) == [6, 8, 10]
    assert charts._ticks(0, 200) == [0, 50, 100, 150, 200]
