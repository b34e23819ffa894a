"""Full-text search over the network's passages: one interface, two backends.

``search(session, user, query, facets)`` is the only entry point. It answers with the passages the user
may read (``access.audiences(user)``, applied *inside* the SQL, with the facet filters), ranked, with a
highlighted snippet of each passage's own text, the facet counts (theme, gemeente, province, round, kind)
of the visible hits only, and one page of hits.

Stemming is done in Python (``peerreview.network.stemming``) for both databases; the databases only
match the pre-stemmed words. The side table ``network_search`` holds, per passage, the stems of its title
and of its text. It is created by the migration, differently per dialect, and is not a model (Alembic's
model comparison skips it, see ``peerreview.migrations.SEARCH_TABLES``):

* PostgreSQL: a table ``network_search (passage_id PK, FK -> network_passage ON DELETE CASCADE,
  document tsvector, audience, kind, gemeente_id, round_id, themes varchar(3)[])`` with a GIN index on
  ``document``, written as ``setweight(to_tsvector('simple', <title stems>), 'A') ||
  setweight(to_tsvector('simple', <text stems>), 'B')``: the ``simple`` configuration only lowercases
  and splits, so it keeps our stems as they are (and the tsvector is where they are stored; see the
  migration). The other columns are copies of the passage's, so a search filters and counts without
  joining the passage and its themes (half the time on 50,000 passages); :func:`refresh` writes them
  with the stems, and the indexer always rebuilds a passage whole. Ranking: ``ts_rank`` (weights: the
  title counts 2.5 times the text; frequency counts).
* SQLite: an FTS5 virtual table ``network_search (title_stems, stems)`` whose rowid is the passage id,
  ``unicode61`` tokenizer (our stems are already folded). FTS5 has no foreign keys, so the migration adds
  a trigger that deletes a passage's row when the passage is deleted. A search joins the passage and
  its themes. Ranking: ``bm25`` with the title weighted 2.5.

The ranking rule both backends keep, and the tests check: among passages that match, one with the word
in its title or more often in its text ranks above a passing mention.

A query matches a passage when every stem of the query (stop words left out) is among the passage's
stems (title or text). Maintenance: the indexer sends ``signals.passages_reindexed`` after rebuilding a
visitatie's passages; :func:`refresh` (connected to it) writes their search rows in the same
transaction. A passage that left the index leaves the search with it (cascade or trigger; and
:func:`refresh` replaces any row already stored under a new passage's id, so a reused SQLite rowid never
carries an old text's words).

Two statements per search: one finds and ranks the match once and returns the facet counts, the total
and the ids of one page (a UNION ALL over one CTE); the other loads that page's passages (the audience
checked again) for the snippets. The cost of the first grows with the number of matches (every match is
ranked and counted): see ``bench/network_search.py`` for the numbers on 50,000 passages. Its answer is
kept per process under the index's stamp and the reader's audiences (``peerreview.network.cache``;
:func:`refresh` replaces the stamp), so a repeated search runs only the second statement and the names of
its facets' gemeenten and rounds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from peerreview import access, signals
from peerreview.fragments import FragmentCache
from peerreview.network import cache, lenses, stemming
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.review import themes
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente

PER_PAGE = 20
MAX_QUERY = 200  # characters; a longer query is cut (it would only match less)
MAX_STEMS = 12
TITLE_WEIGHT = 2.5  # PostgreSQL: ts_rank's weights A (1.0) over B (0.4); SQLite: bm25's column weights
SNIPPET_WORDS = 32
FACETS = ("theme", "gemeente", "province", "round", "kind")


def number(value: str) -> int | None:
    """A positive id or page number written in ASCII digits (at most nine), else None."""
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) and int(value) > 0 else None


# --- the interface -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Facets:
    """The chosen facet values (each one value or None), from a request's query string."""

    theme: str | None = None
    gemeente: int | None = None
    province: str | None = None
    round: int | None = None
    kind: PassageKind | None = None
    lens: str | None = None  # a lens filter: "sturing" or "sturing:financieel" (lenses.parse_choice)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Facets:
        """The facets a query string chose; a value that cannot be one is ignored (never an error)."""

        def text(name: str, limit: int) -> str:
            return (args.get(name) or "").replace("\x00", "").strip()[:limit]

        theme = text("thema", 3).upper()
        kind = text("soort", 32)
        return cls(
            theme=theme if re.fullmatch(r"T[0-9]{1,2}", theme) else None,
            gemeente=number(text("gemeente", 12)),
            province=text("provincie", 40) or None,
            round=number(text("ronde", 12)),
            kind=PassageKind(kind) if kind in {k.value for k in PassageKind} else None,
            lens=text("lens", 100) if lenses.parse_choice(text("lens", 100)) else None,
        )

    def args(self) -> dict[str, str]:
        """The query-string arguments of these facets (the names the page uses)."""
        out = {
            "thema": self.theme,
            "gemeente": self.gemeente,
            "provincie": self.province,
            "ronde": self.round,
            "soort": self.kind.value if self.kind else None,
            "lens": self.lens,
        }
        return {k: str(v) for k, v in out.items() if v is not None}

    def value(self, facet: str) -> str | None:
        chosen = getattr(self, facet)
        if chosen is None:
            return None
        return chosen.value if isinstance(chosen, PassageKind) else str(chosen)

    def without(self, facet: str) -> Facets:
        return Facets(**{**self.__dict__, facet: None})

    def active(self) -> bool:
        return any(getattr(self, f) is not None for f in FACETS) or self.lens is not None


@dataclass(frozen=True)
class FacetCount:
    value: str  # as it goes in the query string
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Hit:
    passage: NetworkPassage
    rank: float
    snippet: Markup
    title: Markup
    themes: tuple[str, ...]
    gemeente: str
    gemeente_slug: str
    province: str
    round: str

    @property
    def concept(self) -> bool:
        return self.passage.audience is Audience.CONCEPT


@dataclass
class Results:
    query: str
    stems: list[str]
    facets_chosen: Facets
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict[str, list[FacetCount]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def searched(self) -> bool:
        return bool(self.stems)


def search(
    session: Session,
    user: Any,
    query: str,
    facets: Facets | None = None,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    snippets: bool = True,
) -> Results:
    """The passages matching ``query`` that ``user`` may read, filtered by ``facets``: one page of hits,
    the total and the facet counts. Anonymous visitors (``user`` None or not authenticated) get only
    *openbaar* material."""
    facets = facets or Facets()
    query = (query or "").replace("\x00", "").strip()[:MAX_QUERY]
    stems = stemming.query_stems(query)[:MAX_STEMS]
    results = Results(query=query, stems=stems, facets_chosen=facets, per_page=per_page)
    if not stems:
        return results
    audiences = tuple(a.value for a in access.audiences(user))
    results.page = max(1, page)
    grouped = _grouped(session, stems, audiences, facets, results.page, per_page)
    results.total = sum(n for _value, _rank, n in grouped["kind"])
    if results.page > results.pages:  # beyond the last page: show the last one
        results.page = results.pages
        grouped = _grouped(session, stems, audiences, facets, results.page, per_page)
    results.facets = _facet_counts(session, grouped, facets)
    ranked = [(int(value), float(rank or 0)) for value, rank, _n in sorted(grouped["hit"], key=lambda h: h[2])]
    results.hits = _hits(session, ranked, audiences, stems if snippets else ())
    return results


def search_all(session: Session, user: Any, query: str, facets: Facets | None = None, *, limit: int = 5000) -> Results:
    """Every hit up to ``limit`` (for the CSV export): one page as large as the limit, without snippets."""
    return search(session, user, query, facets, page=1, per_page=limit, snippets=False)


# --- the two backends -------------------------------------------------------------------------------------


def _match(dialect: str, stems: Sequence[str]) -> Any:
    """A subquery ``m(passage_id, rank, audience, kind, gemeente_id, round_id)`` (on PostgreSQL also
    ``themes``, an array of codes): the passages whose stems hold every query stem, with a rank that is
    higher for a better match, and what a search filters and counts them by. PostgreSQL reads it all from
    the search table (the indexer's copies), SQLite joins the passage."""
    columns: dict[str, Any] = {
        "passage_id": sa.Integer,
        "rank": sa.Float,
        "audience": sa.String,
        "kind": sa.String,
        "gemeente_id": sa.Integer,
        "round_id": sa.Integer,
    }
    if dialect == "postgresql":
        statement = sa.text(_PG_MATCH).bindparams(search_stems=" ".join(stems))
        columns["themes"] = postgresql.ARRAY(sa.String)
    else:
        # Every stem as an FTS5 string ("..." with quotes doubled): implicit AND, no query syntax.
        expression = " ".join('"' + s.replace('"', '""') + '"' for s in stems)
        statement = sa.text(_FTS_MATCH).bindparams(search_stems=expression)
    return statement.columns(**columns).subquery("m")


_PG_MATCH = (
    "SELECT s.passage_id, ts_rank(s.document, q.query) AS rank, s.audience, s.kind, s.gemeente_id, s.round_id, "
    "s.themes FROM network_search AS s, plainto_tsquery('simple', :search_stems) AS q(query) "
    "WHERE s.document @@ q.query"
)
_FTS_MATCH = (  # bm25's column weights: TITLE_WEIGHT
    "SELECT p.id AS passage_id, -bm25(network_search, 2.5, 1.0) AS rank, p.audience, p.kind, p.gemeente_id, "
    "p.round_id FROM network_search JOIN network_passage AS p ON p.id = network_search.rowid "
    "WHERE network_search MATCH :search_stems"
)


def _filtered(dialect: str, matches: Any, audiences: tuple[str, ...], facets: Facets) -> sa.Select[Any]:
    """The matches (with their gemeente's province) that the user may read, narrowed to the chosen facets:
    in the query, so nothing invisible is ever counted or fetched."""
    m = matches.c
    g = Gemeente.__table__.c
    statement = (
        sa.select(m.passage_id.label("id"), m.kind, m.gemeente_id, g.province, m.round_id, m.rank)
        .select_from(matches)
        .join(Gemeente.__table__, g.id == m.gemeente_id)
        .where(m.audience.in_(audiences))
    )
    if dialect == "postgresql":
        statement = statement.add_columns(m.themes)
    if facets.theme is not None:
        if dialect == "postgresql":
            statement = statement.where(sa.literal(facets.theme, sa.String) == sa.any_(m.themes))
        else:
            t = NetworkPassageTheme.__table__.c
            statement = statement.where(sa.exists().where(t.passage_id == m.passage_id, t.theme == facets.theme))
    if facets.gemeente is not None:
        statement = statement.where(m.gemeente_id == facets.gemeente)
    if facets.province is not None:
        statement = statement.where(g.province == facets.province)
    if facets.round is not None:
        statement = statement.where(m.round_id == facets.round)
    if facets.kind is not None:
        statement = statement.where(m.kind == facets.kind.value)
    if (choice := lenses.parse_choice(facets.lens)) is not None:
        p = NetworkPassage.__table__.c
        statement = statement.where(m.passage_id.in_(lenses.lens_filter(sa.select(p.id), p.key, *choice)))
    return statement


def _hit_themes(dialect: str, hits: Any) -> Any:
    """A subquery ``hit_themes(theme)``: one row per hit and theme of it (PostgreSQL: the hit's array)."""
    if dialect == "postgresql":
        return sa.select(sa.func.unnest(hits.c.themes).label("theme")).subquery("hit_themes")
    t = NetworkPassageTheme.__table__.c
    return sa.select(t.theme).join(hits, t.passage_id == hits.c.id).subquery("hit_themes")


# facet -> [(value, None, count)]; "hit" -> [(passage id, rank, position)] (ids and ranks as text)
Grouped = dict[str, list[tuple[str, str | None, int]]]
# The answers of the first statement per process, under the index's stamp (``peerreview.network.cache``).
_GROUPED: FragmentCache[Grouped] = FragmentCache(256)


def _grouped(
    session: Session, stems: Sequence[str], audiences: tuple[str, ...], facets: Facets, page: int, per_page: int
) -> Grouped:
    """The counts per facet value of the visible hits and the ids and ranks of one page of them: one
    statement, or none when this process answered the same search for the same audiences under the index's
    current stamp. Not kept with a lens filter (an analyst's coding changes what it matches, not the stamp),
    nor for an export's page of thousands of ids (rarely asked twice; it would fill the memory)."""
    stamp = cache.index_stamp(session) if facets.lens is None and per_page <= PER_PAGE else None

    def compute() -> Grouped:
        return _count_and_page(session, stems, audiences, facets, page, per_page)

    if stamp is None:
        return compute()
    key = (cache.database(session), stamp, audiences, tuple(stems), facets, page, per_page)
    return _GROUPED.get(key, compute)


def _count_and_page(
    session: Session, stems: Sequence[str], audiences: tuple[str, ...], facets: Facets, page: int, per_page: int
) -> Grouped:
    """One statement: the counts per facet value of the visible hits, and the ids, ranks and positions of
    one page of them, so that the match is found and ranked once."""
    dialect = session.get_bind().dialect.name
    hits = _filtered(dialect, _match(dialect, stems), audiences, facets).cte("hits")
    text = sa.String()

    def group(name: str, source: Any, value: Any) -> Any:
        return (
            sa.select(
                sa.literal(name, text).label("facet"),
                sa.cast(value, text).label("value"),
                sa.null().label("rank"),
                sa.func.count().label("n"),
            )
            .select_from(source)
            .group_by(value)
        )

    order = (hits.c.rank.desc(), hits.c.id)
    one_page = (
        sa.select(hits.c.id, hits.c.rank, sa.func.row_number().over(order_by=order).label("position"))
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page")
    )
    hit_themes = _hit_themes(dialect, hits)
    statement = sa.union_all(
        sa.select(
            sa.literal("hit", text),
            sa.cast(one_page.c.id, text),
            sa.cast(one_page.c.rank, text),
            one_page.c.position,
        ),
        group("kind", hits, hits.c.kind),
        group("gemeente", hits, hits.c.gemeente_id),
        group("province", hits, hits.c.province),
        group("round", hits, hits.c.round_id),
        group("theme", hit_themes, hit_themes.c.theme),
    )
    grouped: Grouped = {f: [] for f in (*FACETS, "hit")}
    for facet, value, rank, n in session.execute(statement):
        grouped[facet].append((value, rank, n))
    return grouped


def _facet_counts(session: Session, grouped: Grouped, facets: Facets) -> dict[str, list[FacetCount]]:
    """The facet counts with their labels, in the order the page shows them. The names of gemeenten and
    rounds are read now (they can change without a reindex); the other labels are fixed."""
    g = Gemeente.__table__.c
    r = Round.__table__.c
    theme_labels = {code: f"{code} {theme.short}" for code, theme in themes.themes().items()}
    theme_order = {code: i for i, code in enumerate(theme_labels)}
    kind_order = {k.value: i for i, k in enumerate(PassageKind)}
    names = {
        "kind": {k.value: k.label for k in PassageKind},
        "theme": theme_labels,
        "gemeente": _names(session, g.id, g.name, grouped["gemeente"]),
        "round": _names(session, r.id, r.name, grouped["round"]),
    }
    out: dict[str, list[FacetCount]] = {}
    for facet in FACETS:
        chosen = facets.value(facet)
        items = [
            FacetCount(value=value, label=names.get(facet, {}).get(value, value), count=n, selected=value == chosen)
            for value, _rank, n in grouped[facet]
        ]
        if facet == "theme":
            items.sort(key=lambda i: theme_order.get(i.value, 99))
        elif facet == "kind":
            items.sort(key=lambda i: kind_order.get(i.value, 99))
        elif facet == "round":
            items.sort(key=lambda i: i.label, reverse=True)
        else:
            items.sort(key=lambda i: i.label)
        out[facet] = items
    return out


def _names(
    session: Session, id_column: Any, name_column: Any, grouped: list[tuple[str, str | None, int]]
) -> dict[str, str]:
    """The names of the ids a facet counted (a handful of rounds, up to every gemeente), by id as text."""
    ids = [int(value) for value, _rank, _n in grouped]
    if not ids:
        return {}
    rows = session.execute(sa.select(id_column, name_column).where(id_column.in_(ids)))
    return {str(row_id): name for row_id, name in rows}


def _hits(
    session: Session, ranked: list[tuple[int, float]], audiences: tuple[str, ...], stems: Sequence[str]
) -> list[Hit]:
    """The passages of one page (ids and ranks in order), with their gemeente, round, themes and snippets.
    The audience is checked again here: the ids came from the filtered query, this keeps it so."""
    if not ranked:
        return []
    p = NetworkPassage.__table__.c
    g = Gemeente.__table__.c
    r = Round.__table__.c
    statement = (
        sa.select(NetworkPassage, g.name, g.slug, g.province, r.name)
        .join(Gemeente.__table__, g.id == p.gemeente_id)
        .join(Round.__table__, r.id == p.round_id)
        .where(p.id.in_([passage_id for passage_id, _rank in ranked]), p.audience.in_(audiences))
    )
    # The themes come along (NetworkPassage.theme_rows: selectin).
    rows = {row[0].id: row for row in session.execute(statement)}
    wanted = set(stems)
    hits = []
    for passage_id, rank in ranked:
        if passage_id not in rows:
            continue
        passage, gemeente, slug, province, round_name = rows[passage_id]
        hits.append(
            Hit(
                passage=passage,
                rank=rank,
                snippet=snippet(passage.text or "", wanted) if wanted else Markup(""),
                title=highlight(passage.title or "", wanted) if wanted else escape(passage.title or ""),
                themes=tuple(passage.themes),
                gemeente=gemeente,
                gemeente_slug=slug,
                province=province,
                round=round_name,
            )
        )
    return hits


# --- snippets -------------------------------------------------------------------------------------------


def highlight(text: str, wanted: set[str]) -> Markup:
    """``text``, HTML-escaped, with every word whose stem is wanted wrapped in ``<mark>``."""
    found = list(stemming.words(text))
    return _marked(text, found, [stemming.stem_of(m.group()) in wanted for m in found], 0, None)


def snippet(text: str, wanted: set[str], size: int = SNIPPET_WORDS) -> Markup:
    """About ``size`` words of the passage's own ``text`` around its matching words (the window that holds
    the most of them), HTML-escaped, matches in ``<mark>``, with an ellipsis where it was cut."""
    found = list(stemming.words(text))
    if not found:
        return Markup("")
    matched = [stemming.stem_of(m.group()) in wanted for m in found]
    hits = [i for i, hit in enumerate(matched) if hit]
    start = 0
    if hits and len(found) > size:
        best = max(range(len(hits)), key=lambda h: sum(1 for j in hits[h:] if j < hits[h] + size))
        start = max(0, min(hits[best] - size // 4, len(found) - size))
    return _marked(text, found, matched, start, min(len(found), start + size))


def _marked(text: str, found: list[re.Match[str]], matched: list[bool], start: int, end: int | None) -> Markup:
    """Words ``start`` to ``end`` of ``text`` (all when ``end`` is None), escaped, the matched ones marked.
    Only the matches split the text: the stretches between them are escaped whole."""
    if not found:
        return escape(text)
    last = len(found) if end is None else end
    begin = 0 if start == 0 else found[start].start()
    finish = len(text) if last >= len(found) else found[last - 1].end()
    parts: list[Markup] = [ELLIPSIS_BEFORE] if begin > 0 else []
    position = begin
    for i in range(start, last):
        if matched[i]:
            match = found[i]
            parts.append(escape(text[position : match.start()]))
            parts.append(MARK.format(match.group()))
            position = match.end()
    parts.append(escape(text[position:finish]))
    if finish < len(text):
        parts.append(ELLIPSIS_AFTER)
    return Markup("").join(parts)


MARK = Markup("<mark>{}</mark>")  # format() escapes the word
ELLIPSIS_BEFORE = Markup("… ")
ELLIPSIS_AFTER = Markup(" …")


# --- maintenance ----------------------------------------------------------------------------------------


def refresh(session: Session, passage_ids: Iterable[int]) -> int:
    """(Re)write the search rows of these passages from their current title and text, and give the index a
    new stamp (what was kept under the old one no longer counts); flushes, never commits. Ids without a
    passage (deleted meanwhile) get no row. Returns the number of rows written."""
    cache.bump_index_stamp(session)  # also without ids: a visitatie's passages may have gone
    ids = sorted(set(passage_ids))
    if not ids:
        return 0
    session.flush()
    dialect = session.get_bind().dialect.name
    rows = []
    p = NetworkPassage.__table__.c
    t = NetworkPassageTheme.__table__.c
    for chunk in _chunks(ids, 500):
        themes: dict[int, list[str]] = {}
        for passage_id, theme in session.execute(
            sa.select(t.passage_id, t.theme).where(t.passage_id.in_(chunk)).order_by(t.passage_id, t.theme)
        ):
            themes.setdefault(passage_id, []).append(theme)
        found = session.execute(
            sa.select(p.id, p.title, p.text, p.audience, p.kind, p.gemeente_id, p.round_id).where(p.id.in_(chunk))
        )
        for passage_id, title, text, audience, kind, gemeente_id, round_id in found:
            rows.append(
                {
                    "id": passage_id,
                    "title": stemming.stem_text(title or ""),
                    "text": stemming.stem_text(text or ""),
                    # PostgreSQL's copies of what a search filters and counts by (SQLite joins the passage)
                    "audience": Audience(audience).value,
                    "kind": PassageKind(kind).value,
                    "gemeente_id": gemeente_id,
                    "round_id": round_id,
                    "themes": themes.get(passage_id, []),
                }
            )
    delete, insert = _WRITES["postgresql" if dialect == "postgresql" else "sqlite"]
    for chunk in _chunks(ids, 500):
        session.execute(delete, {"ids": list(chunk)})
    if rows:
        session.execute(insert, rows)
    return len(rows)


_WRITES = {
    "postgresql": (
        sa.text("DELETE FROM network_search WHERE passage_id IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
        sa.text(
            "INSERT INTO network_search (passage_id, document, audience, kind, gemeente_id, round_id, themes) "
            "VALUES (:id, setweight(to_tsvector('simple', :title), 'A') || setweight(to_tsvector('simple', :text), "
            "'B'), :audience, :kind, :gemeente_id, :round_id, CAST(:themes AS varchar(3)[]))"
        ),
    ),
    "sqlite": (  # FTS5: the rowid is the passage id
        sa.text("DELETE FROM network_search WHERE rowid IN :ids").bindparams(sa.bindparam("ids", expanding=True)),
        sa.text("INSERT INTO network_search (rowid, title_stems, stems) VALUES (:id, :title, :text)"),
    ),
}


def rebuild(session: Session) -> int:
    """Every passage's search row anew (after an edit of the stemming exceptions, or a restore)."""
    session.execute(sa.text("DELETE FROM network_search"))
    ids = list(session.scalars(sa.select(NetworkPassage.id)))
    return refresh(session, ids)


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@signals.passages_reindexed.connect
def _passages_reindexed(session: Session, *, passage_ids: Iterable[int], **_extra: Any) -> None:
    refresh(session, passage_ids)
