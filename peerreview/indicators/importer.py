"""Import of key figures from CSV files in the CBS open-data layout.

Two layouts are read, both with the CBS dimension columns ``RegioS`` (area code, e.g. GM0150 or
NL01) and ``Perioden`` (period code, e.g. 2019JJ00 for a year, 2020HJ01 for a half year):

* *observations* (long): ``Measure;RegioS;Perioden;Value`` — one value per row, ``Measure`` is the
  indicator code (JH121); an optional ``ValueAttribute`` explains an empty value;
* *typed data set* (wide): ``ID;RegioS;Perioden;JH121;LASTEN_GEBRUIKER;...`` — one column per
  indicator code.

Separators ``;`` and ``,`` are recognised. A file without the dimension columns is refused as a
whole; otherwise every row that cannot be taken is listed in the report with its line number and
the reason, and all other rows are stored (new values added, changed values updated).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.db import utcnow
from peerreview.formatting import number_nl
from peerreview.indicators.models import Area, Indicator, IndicatorValue

MAX_BYTES = 5 * 1024 * 1024
MAX_REPORTED = 500
DIMENSIONS = ("RegioS", "Perioden")
_CBS_PERIOD = re.compile(r"^(\d{4})(JJ00|HJ0[12])$")
_OUR_PERIOD = re.compile(r"^(\d{4})(-H[12])?$")
_GEMEENTE_CODE = re.compile(r"^GM\d{4}$")


class FileRefused(ValueError):
    """The file as a whole cannot be read; the message is Dutch and says what to change."""


@dataclass
class Report:
    layout: str = ""
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    rejected_count: int = 0

    def reject(self, line: int, reason: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_REPORTED:
            self.rejected.append({"line": line, "reason": reason})

    def as_dict(self) -> dict[str, Any]:
        return {
            "layout": self.layout,
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rejected_count": self.rejected_count,
        }


def parse_period(raw: str) -> str | None:
    """CBS codes (2019JJ00, 2020HJ01) and our own notation (2019, 2020-H1) to "2019" / "2020-H1"."""
    text = raw.strip().upper()
    if match := _CBS_PERIOD.match(text):
        year, kind = match.groups()
        return year if kind == "JJ00" else f"{year}-H{kind[-1]}"
    if _OUR_PERIOD.match(text):
        return text
    return None


def parse_value(raw: str) -> float | None:
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileRefused(f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB. Splits het in delen.")
    if not data.strip():
        raise FileRefused("Het bestand is leeg.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(
            "Het bestand is geen tekst in UTF-8. Sla het op als ‘CSV UTF-8’ of download het opnieuw bij het CBS."
        ) from None


def _reader(text: str) -> csv.DictReader[str]:
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [(name or "").strip().strip('"') for name in reader.fieldnames or []]
    missing = [d for d in DIMENSIONS if d not in reader.fieldnames]
    if missing:
        raise FileRefused(
            f"Het bestand mist de kolom{'men' if len(missing) > 1 else ''} {' en '.join(missing)}. "
            "Gebruik de CBS-indeling: Measure;RegioS;Perioden;Value, of RegioS;Perioden met een kolom per "
            "indicatorcode. De eerste regel bevat nu: " + ", ".join(n for n in reader.fieldnames if n) + "."
        )
    return reader


def run(session: Session, data: bytes, import_id: int | None = None) -> Report:
    """Read ``data`` and store its values; returns the report. Raises ``FileRefused``.

    The whole file (at most ``MAX_BYTES``) is parsed before anything is written, so a file the csv module
    refuses (a field over its 128 kB limit, a broken quote) is refused without a partial import."""
    try:
        reader = _reader(_decode(data))
        rows = list(reader)
    except csv.Error as error:
        raise FileRefused(
            f"Het bestand is geen geldige CSV ({error}). Sla het opnieuw op als ‘CSV UTF-8’ of download het "
            "opnieuw bij het CBS."
        ) from None
    names = reader.fieldnames or []
    long = "Measure" in names and "Value" in names
    target = _Target(session, import_id)
    target.report.layout = (
        "observaties (Measure;RegioS;Perioden;Value)" if long else "tabel met een kolom per indicator"
    )
    measures = [] if long else [n for n in names if n and n not in (*DIMENSIONS, "ID")]
    if measures and not any(m in target.indicators for m in measures):
        raise FileRefused(
            "Geen van de kolommen is een bekende indicatorcode ("
            + ", ".join(measures[:8])
            + "). Gebruik de codes uit de lijst met indicatoren, of de indeling Measure;RegioS;Perioden;Value."
        )
    for line, row in enumerate(rows, start=2):
        pairs = (
            [(row.get("Measure") or "", row.get("Value") or "")] if long else [(m, row.get(m) or "") for m in measures]
        )
        for measure, raw_value in pairs:
            target.take(line, row, measure.strip(), raw_value)
    session.flush()
    return target.report


class _Target:
    """What the rows are checked against and written to, and the report of one run."""

    def __init__(self, session: Session, import_id: int | None) -> None:
        self.session, self.import_id = session, import_id
        self.indicators = {i.code: i for i in session.scalars(select(Indicator))}
        self.areas = {a.code: a for a in session.scalars(select(Area))}
        self.existing = {(v.indicator_id, v.area_id, v.period): v for v in session.scalars(select(IndicatorValue))}
        self.seen: dict[tuple[int, int, str], int] = {}
        self.report = Report()

    def take(self, line: int, row: dict[str, str], measure: str, raw_value: str) -> None:
        self.report.rows += 1
        if reason := self._store(line, row, measure, raw_value):
            self.report.reject(line, reason)

    def _store(self, line: int, row: dict[str, str], measure: str, raw_value: str) -> str | None:
        """Store one value, or return why it was refused."""
        code = (row.get("RegioS") or "").strip()
        raw_period = (row.get("Perioden") or "").strip()
        what = f"{measure}, {code}, {raw_period}"
        indicator = self.indicators.get(measure)
        if indicator is None:
            return f"‘{measure}’ is geen bekende indicatorcode."
        area = self.areas.get(code)
        if area is None:
            if code.upper().startswith("GM") and not _GEMEENTE_CODE.match(code):
                return f"‘{code}’ is geen geldige CBS-gemeentecode (GM gevolgd door vier cijfers)."
            return f"Regiocode ‘{code}’ is onbekend."
        period = parse_period(raw_period)
        if period is None:
            return f"‘{raw_period}’ is geen periode die we kennen; gebruik bijvoorbeeld 2019JJ00 of 2020HJ01."
        if not raw_value.strip():
            attribute = (row.get("ValueAttribute") or "").strip()
            return f"Geen waarde voor {what}" + (
                f" (ValueAttribute: {attribute})." if attribute and attribute != "None" else "."
            )
        value = parse_value(raw_value)
        if value is None:
            return f"‘{raw_value.strip()}’ is geen getal ({what})."
        key = (indicator.id, area.id, period)
        if key in self.seen:
            return f"{what} staat al op regel {self.seen[key]}; deze regel is overgeslagen."
        self.seen[key] = line
        current = self.existing.get(key)
        if current is None:
            current = IndicatorValue(
                indicator_id=indicator.id, area_id=area.id, period=period, value=value, import_id=self.import_id
            )
            self.session.add(current)
            self.existing[key] = current
            self.report.added += 1
        elif current.value == value:
            self.report.unchanged += 1
        else:
            current.value, current.import_id, current.updated_at = value, self.import_id, utcnow()
            self.report.updated += 1
        return None


def summary(report: dict[str, Any]) -> str:
    """One Dutch sentence for the report page and the flash message."""
    n = number_nl
    return (
        f"{n(report.get('rows', 0))} waarden gelezen: {n(report.get('added', 0))} nieuw, "
        f"{n(report.get('updated', 0))} bijgewerkt, {n(report.get('unchanged', 0))} ongewijzigd en "
        f"{n(report.get('rejected_count', 0))} afgewezen."
    )
