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

network_material_changed = _signals.signal(
    "network-material-changed",
    doc="""Something the network's passage index is built from changed for one visitatie: its annotations
    were released (or a released one changed), a theme summary was saved, the portret was adopted, its
    publication was chosen or withdrawn, an erratum was made, a lesson or improvement point was recorded.

    Sender: the visitatie's id (int). Keyword argument: ``session`` (the caller's session; receivers
    flush, never commit). The network connects ``peerreview.network.indexer.request_reindex`` to this:
    the visitatie's passages are rebuilt in a job after the caller's transaction commits.
    """,
)

passages_reindexed = _signals.signal(
    "passages-reindexed",
    doc="""The network's passage index of one visitatie was rebuilt (``peerreview.network.indexer``).

    Sender: the session the index was rebuilt in (receivers flush, never commit). Keyword arguments:
    ``visitatie_id`` and ``passage_ids`` (the ids of the visitatie's ``NetworkPassage`` rows now; the
    earlier rows are gone, also when the list is empty: a withdrawn publication or consent). Receivers
    keep their derived data (the search index, say) in step; connect as
    ``def receiver(session, *, visitatie_id, passage_ids, **_)``.
    """,
)
