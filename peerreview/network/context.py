"""A gemeente's context for the network's screens: province, jeugdregio, size class, urbanisation and
SES decile, and the filter on them that the library, the matrix and the figures share.

``contexts(session)`` reads every gemeente in two queries (the gemeenten with their jeugdregio and
reference-group size class; the latest SES decile and urbanisation class from the key figures), so a
list of 342 gemeenten costs the same as a list of three. The size class is the one the analysts chose
in the gemeente's reference group (the comparison of the *in cijfers* block); without a reference
group it follows from the number of inhabitants, with the same names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from peerreview.indicators.models import Area, Indicator, IndicatorValue, ReferenceGroup
from peerreview.indicators.services import period_sort_key
from peerreview.tenants.models import Gemeente, Jeugdregio, size_class

SES_CODE = "SES_DECIEL"
URBANISATION_CODE = "STEDELIJKHEID"
# CBS stedelijkheid, by the density of addresses around each address (class 1: 2,500 or more per km²).
URBANISATION: dict[int, str] = {
    1: "zeer sterk stedelijk",
    2: "sterk stedelijk",
    3: "matig stedelijk",
    4: "weinig stedelijk",
    5: "niet stedelijk",
}
FIELD_LABELS: dict[str, str] = {
    "province": "Provincie",
    "jeugdregio": "Jeugdregio",
    "size_class": "Grootteklasse",
    "urbanisation": "Stedelijkheid",
    "ses_decile": "SES-deciel",
}


def size_class_name(inhabitants: int) -> str:
    """The name of the size-class area for a number of inhabitants ("Gemeenten met 20.000–50.000 inwoners")."""
    label = size_class(inhabitants)
    if label.endswith("en meer"):
        return f"Gemeenten met {label.removesuffix(' en meer')} of meer inwoners"
    return f"Gemeenten met {label} inwoners"


@dataclass(frozen=True)
class GemeenteContext:
    gemeente_id: int
    name: str
    slug: str
    province: str
    jeugdregio: str | None
    size_class: str | None
    urbanisation: str | None
    ses_decile: int | None

    @property
    def urbanisation_class(self) -> int | None:
        return next((k for k, v in URBANISATION.items() if v == self.urbanisation), None)

    @property
    def size_class_short(self) -> str | None:
        """For narrow columns: "20.000–50.000 inwoners"."""
        return self.size_class.removeprefix("Gemeenten met ") if self.size_class else None


def _latest(values: Iterable[tuple[int, str, str, float]]) -> dict[tuple[int, str], float]:
    """(gemeente id, indicator code) -> the value of the latest period."""
    best: dict[tuple[int, str], tuple[tuple[int, int], float]] = {}
    for gemeente_id, code, period, value in values:
        key, rank = (gemeente_id, code), period_sort_key(period)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, value)
    return {key: value for key, (_rank, value) in best.items()}


def contexts(session: Session, gemeente_ids: Iterable[int] | None = None) -> dict[int, GemeenteContext]:
    """The context of the given gemeenten (all when ``None``), by gemeente id; two queries."""
    ids = None if gemeente_ids is None else sorted(set(gemeente_ids))
    if ids is not None and not ids:
        return {}
    size_area = aliased(Area)
    query = (
        select(
            Gemeente.id,
            Gemeente.name,
            Gemeente.slug,
            Gemeente.province,
            Gemeente.inhabitants,
            Jeugdregio.name,
            size_area.name,
        )
        .outerjoin(Jeugdregio, Jeugdregio.id == Gemeente.jeugdregio_id)
        .outerjoin(ReferenceGroup, ReferenceGroup.gemeente_id == Gemeente.id)
        .outerjoin(size_area, size_area.id == ReferenceGroup.size_class_id)
        .order_by(Gemeente.name)
    )
    values = (
        select(Area.gemeente_id, Indicator.code, IndicatorValue.period, IndicatorValue.value)
        .join(Area, Area.id == IndicatorValue.area_id)
        .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
        .where(Indicator.code.in_((SES_CODE, URBANISATION_CODE)), Area.gemeente_id.is_not(None))
    )
    if ids is not None:
        query = query.where(Gemeente.id.in_(ids))
        values = values.where(Area.gemeente_id.in_(ids))
    latest = _latest((int(g or 0), c, p, v) for g, c, p, v in session.execute(values))
    result: dict[int, GemeenteContext] = {}
    for gemeente_id, name, slug, province, inhabitants, regio, chosen_size in session.execute(query):
        ses = latest.get((gemeente_id, SES_CODE))
        urban = latest.get((gemeente_id, URBANISATION_CODE))
        result[gemeente_id] = GemeenteContext(
            gemeente_id=gemeente_id,
            name=name,
            slug=slug,
            province=province,
            jeugdregio=regio,
            size_class=chosen_size or size_class_name(inhabitants),
            urbanisation=URBANISATION.get(round(urban)) if urban is not None else None,
            ses_decile=round(ses) if ses is not None else None,
        )
    return result


# --- the filter -----------------------------------------------------------------------------------------


def _size_key(name: str) -> tuple[int, str]:
    """Size classes from small to large: "minder dan 20.000" first, then by their lower bound."""
    if "minder dan" in name:
        return (0, name)
    match = re.search(r"\d[\d.]*", name)
    return (int(match.group().replace(".", "")) if match else 0, name)


def _urbanisation_key(name: str) -> tuple[int, str]:
    return (next((k for k, v in URBANISATION.items() if v == name), 9), name)


def _ses_key(value: str) -> tuple[int, str]:
    return (int(value), value) if value.isdigit() else (99, value)


def _name_key(value: str) -> tuple[int, str]:
    return (0, value.casefold())


SORT_KEYS: dict[str, Any] = {"size_class": _size_key, "urbanisation": _urbanisation_key, "ses_decile": _ses_key}


@dataclass
class ContextFilter:
    """The rows a network screen shows, by context; every field optional (``None``: all). GET parameters
    carry the same names as the fields (``province=Drenthe&ses_decile=2``)."""

    province: str | None = None
    jeugdregio: str | None = None
    size_class: str | None = None
    urbanisation: str | None = None
    ses_decile: str | None = None

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> ContextFilter:
        values = {}
        for name in cls.field_names():
            raw = args.get(name)
            value = str(raw).strip()[:120] if raw is not None else ""
            values[name] = value or None
        return cls(**values)

    @property
    def active(self) -> bool:
        return any(getattr(self, name) for name in self.field_names())

    def as_args(self) -> dict[str, str]:
        """The filter as GET parameters (for links that keep it)."""
        return {name: value for name in self.field_names() if (value := getattr(self, name))}

    def matches(self, ctx: GemeenteContext) -> bool:
        for name in self.field_names():
            wanted = getattr(self, name)
            if not wanted:
                continue
            have = getattr(ctx, name)
            if have is None or str(have) != wanted:
                return False
        return True

    def apply(self, items: Mapping[int, GemeenteContext]) -> dict[int, GemeenteContext]:
        return {key: ctx for key, ctx in items.items() if self.matches(ctx)}

    @classmethod
    def options(cls, items: Iterable[GemeenteContext]) -> dict[str, list[str]]:
        """Per field the values that occur, in a sensible order (size classes small to large, urbanisation
        from very urban to not urban, deciles 1 to 10, names alphabetically)."""
        seen: dict[str, set[str]] = {name: set() for name in cls.field_names()}
        for ctx in items:
            for name in cls.field_names():
                value = getattr(ctx, name)
                if value is not None and value != "":
                    seen[name].add(str(value))
        return {name: sorted(values, key=SORT_KEYS.get(name, _name_key)) for name, values in seen.items()}
