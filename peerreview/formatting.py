"""Dutch formatting of dates and numbers, for templates and e-mail subjects: Babel's ``nl`` locale.

The locale is fixed (the UI is Dutch) and passed explicitly, so these work the same in a request, a
background job and the importer, with no request locale needed. Dates and times are shown in
Europe/Amsterdam; a naive datetime (SQLite returns them) is taken to be UTC, as stored.

Rounding is half up on the number as written (2,675 → 2,68 and 2,665 → 2,67), as a reader of a
report rounds, rather than on the binary float (where 2.675 is 2.67499…) or half to even.
"""

from __future__ import annotations

import decimal
from datetime import date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

NL = Locale.parse("nl")
LOCAL = ZoneInfo("Europe/Amsterdam")
DATETIME_PATTERN = "d MMMM y, HH:mm"  # nl's own long date-time reads "15 januari 2027 om 14:05"


def date_nl(value: date | str | None) -> str:
    """15 januari 2027 (also from an ISO date, as snapshots store them)"""
    if value is None or value == "":
        return "—"
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value, "long", locale=NL)


def datetime_nl(value: datetime | None) -> str:
    """15 januari 2027, 14:05 (Dutch local time)"""
    if value is None:
        return "—"
    return format_datetime(value, DATETIME_PATTERN, tzinfo=LOCAL, locale=NL)


@cache
def _pattern(decimals: int | None) -> NumberPattern:
    if decimals is None:
        return parse_pattern("#,##0.##")
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


@lru_cache(maxsize=16384)  # a figures page formats thousands of numbers, most of them seen before
def number_nl(value: float, decimals: int | None = None) -> str:
    """1.250,5 — Dutch separators; ``decimals`` fixed, or None for up to two without trailing zeros."""
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        text: str = _pattern(decimals).apply(value, NL)
    return text
