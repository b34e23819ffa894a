"""Rich text: the one allow-list for user HTML, and the canonical plain text derived from it."""

from __future__ import annotations

import re
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
PORTRET_ATTRIBUTES = {**ATTRIBUTES, **{tag: {"data-bron"} for tag in PROVENANCE_BLOCKS}}
_BRON = re.compile(r"^b\d{1,5}$")


def _keep_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "data-bron":
        return value if _BRON.match(value) else None
    return value


def clean_html(html: str, portret: bool = False) -> str:
    """Keep only the allowed tags; everything else (scripts, styles, Word markup) is removed."""
    cleaned = nh3.clean(
        html or "",
        tags=PORTRET_TAGS if portret else TAGS,
        attributes=PORTRET_ATTRIBUTES if portret else ATTRIBUTES,
        attribute_filter=_keep_attribute if portret else None,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style", "xml", "title", "head"},
    )
    cleaned = re.sub(r"<p>(\s|&nbsp;|<br>)*</p>", "", cleaned)
    return cleaned.strip()


def without_provenance(html: str) -> str:
    """The portret's HTML without its provenance marks, for readers outside the review team."""
    return re.sub(r' data-bron="b\d{1,5}"', "", html)


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


def plain_text(html: str) -> str:
    """Canonical plain text: one line per block (paragraph, list item, heading), spaces collapsed."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    parser._end_block()
    return "\n".join(parser.blocks)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
