"""What the network's screens compute from the database, kept per process under a stamp of its source.

The passage index and its search rows change only when the indexer (or ``search.refresh``) writes them,
and every such write replaces the index's stamp (``NetworkIndexVersion``) in the same transaction. So a
result computed under stamp S stays right for as long as the stamp reads S: the matrix's cells and the
search's counts and page are kept under it (each in a ``peerreview.fragments.FragmentCache``), and a
reindex (committed by any process) makes every process compute them anew, because the key it looks up
holds the new stamp. Nothing is shared between processes and nothing needs clearing: an old key is
never asked for again and leaves the cache by age.

Keys hold everything the value depends on, the reader's audiences included, so a value computed for one
access scope is never handed to another. A stamp of None (no index yet) is never cached.
"""

from __future__ import annotations

import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from peerreview.network.models import NetworkIndexVersion


def index_stamp(session: Session) -> int | None:
    """The index's current stamp; None when it has none yet (then nothing is cached)."""
    return session.scalar(select(NetworkIndexVersion.stamp).where(NetworkIndexVersion.id == 1)) or None


def bump_index_stamp(session: Session) -> None:
    """Give the index a new stamp; creates its row when missing. Random, not a counter: a rolled-back
    rebuild never hands its number to a different index."""
    stamp = secrets.randbits(62) + 1
    changed = session.execute(update(NetworkIndexVersion).where(NetworkIndexVersion.id == 1).values(stamp=stamp))
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.execute(insert(NetworkIndexVersion).values(id=1, stamp=stamp))


def database(session: Session) -> str:
    """The part of every key that tells databases apart (one process, several apps: the tests)."""
    return str(session.get_bind().engine.url)
