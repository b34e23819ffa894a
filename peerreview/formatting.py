"""Dutch formatting of dates and numbers, for templates and e-mail subjects."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
LOCAL = ZoneInfo("Europe/Amsterdam")


def date_nl(value: date | None) -> str:
    """15 januari 2027"""
    if value is None:
        return "—"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime_nl(value: datetime | None) -> str:
    """15 januari 2027, 14:05 (Dutch local time)"""
    if value is None:
        return "—"
    local = value.astimezone(LOCAL)
    return f"{date_nl(local)}, {local:%H:%M}"


def number_nl(value: float, decimals: int | None = None) -> str:
    """1.250,5 — Dutch separators; ``decimals`` fixed, or None for up to two without trailing zeros."""
    if decimals is None:
        text = f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value):,}"
    else:
        text = f"{value:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")
