"""Every CSV the app writes goes through :func:`writer`: semicolon-separated (as Dutch Excel expects),
and safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula
by Excel, LibreOffice or Google Sheets (CSV injection, e.g. ``=cmd|' /C calc'!A0`` or a ``HYPERLINK``
that leaks data). As OWASP advises, such a text cell gets a leading single quote, so the spreadsheet
shows it as text; the rest of the value is kept as typed. Numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DELIMITER = ";"


def escape_cell(value: Any) -> Any:
    """``value`` as a spreadsheet will read it as text: a leading ``'`` before a formula character."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class Writer:
    """``csv.writer`` with every cell escaped."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream, delimiter=DELIMITER)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([escape_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: IO[str]) -> Writer:
    return Writer(stream)
