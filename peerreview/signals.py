"""Signals between feature packages (blinker, as Indico's modules use them): the sender does not import
its receivers, so a feature that others react to never depends on them.

Receivers are connected when their package is imported, which ``create_app`` does for every feature.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

submission_revised = _signals.signal(
    "submission-revised",
    doc="""A zelfevaluatie was submitted again after it was reopened.

    Sender: the ``Visitatie``. Keyword arguments: ``session`` (the caller's session; receivers flush,
    never commit), ``previous`` and ``new`` (the previous and the new ``Submission``).
    The review connects its re-anchoring of annotations to this.
    """,
)

portret_version_stored = _signals.signal(
    "portret-version-stored",
    doc="""A new version of a portret was stored (a section saved, a draft generated).

    Sender: the ``Portret``. Keyword arguments: ``session`` (receivers flush, never commit),
    ``previous`` (the ``PortretVersion`` it followed, or None) and ``new`` (the new ``PortretVersion``).
    The reflectie connects the re-anchoring of the gemeente's passage comments to this.
    """,
)

passages_reindexed = _signals.signal(
    "passages-reindexed",
    doc="""The network's passage index of one visitatie was rebuilt (``peerreview.network.indexer``).

    Sender: None. Keyword arguments: ``session`` (receivers flush, never commit), ``visitatie_id`` and
    ``passage_ids`` (the ids of the visitatie's passages as they are now; the old rows are deleted).
    The network's search rewrites its search rows of those passages.
    """,
)
