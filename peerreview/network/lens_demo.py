"""Demo: the network analyst's lens codes on shared passages (``peerreview/demo_content/lenzen.yaml``).

Runs after the network's passage index is built (``demo._network_index``): the codings find their passage
by gemeente, kind, theme and a piece of its text (one of ``contains``; without ``contains`` the first passage
of that gemeente, kind and theme), because passage keys hold database ids. With an empty
index it does nothing and says so. Idempotent: it only adds codes a passage does not have yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview import yamlfiles
from peerreview.accounts.models import User
from peerreview.network.lens_models import PassageCode
from peerreview.network.lens_services import set_codes
from peerreview.network.lenses import valid_pair
from peerreview.network.models import NetworkPassage, NetworkPassageTheme, PassageKind
from peerreview.tenants.models import Gemeente

CONTENT = Path(__file__).resolve().parent.parent / "demo_content" / "lenzen.yaml"


def _find(session: Session, item: dict[str, Any]) -> NetworkPassage | None:
    gemeente = session.scalar(select(Gemeente).where(Gemeente.slug == item["gemeente"]))
    if gemeente is None:
        return None
    stmt = (
        select(NetworkPassage)
        .where(NetworkPassage.gemeente_id == gemeente.id, NetworkPassage.kind == PassageKind(item["kind"]))
        .order_by(NetworkPassage.key)
    )
    if theme := item.get("theme"):
        stmt = stmt.where(
            NetworkPassage.id.in_(select(NetworkPassageTheme.passage_id).where(NetworkPassageTheme.theme == theme))
        )
    candidates = list(session.scalars(stmt))
    snippets = item.get("contains", [])
    for snippet in snippets:
        for passage in candidates:
            if snippet.lower() in f"{passage.title}\n{passage.text}".lower():
                return passage
    return candidates[0] if candidates and not snippets else None


def seed(session: Session) -> bool:
    """Apply the demo's lens codes; returns whether anything was added."""
    if session.scalar(select(NetworkPassage.id).limit(1)) is None:
        click.echo(
            "Demo lenzen: de passage-index van het netwerk is leeg; eerst de index opbouwen (flask network reindex)."
        )
        return False
    data = yamlfiles.load(CONTENT.read_text(encoding="utf-8"))
    coder = session.scalars(select(User).where(User.email == data["coder"])).one()
    created = False
    for item in data["codings"]:
        pairs = {(code.split(":", 1)[0], code.split(":", 1)[1]) for code in item["codes"]}
        assert all(valid_pair(lens, code) for lens, code in pairs), f"lenzen.yaml: unknown code in {item['codes']}"
        passage = _find(session, item)
        if passage is None:
            click.echo(
                f"Demo lenzen: geen passage gevonden voor {item['gemeente']}, {item['kind']}, {item.get('theme')}"
            )
            continue
        current = {
            (r.lens, r.code) for r in session.scalars(select(PassageCode).where(PassageCode.passage_key == passage.key))
        }
        wanted = current | pairs
        if wanted != current:
            set_codes(session, coder, passage, wanted)
            created = True
    return created
