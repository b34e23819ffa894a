"""The national network's pages: one blueprint (``blueprint.bp``) with its views in modules by subject.
Importing this module registers them all; ``create_app`` registers ``bp``."""

from __future__ import annotations

from peerreview.network import (  # noqa: F401  (each module adds its routes to bp)
    agenda_views,
    figures_views,
    history_views,
    lens_views,
    library_views,
    matrix_views,
    search_views,
    threads_views,
)
from peerreview.network.blueprint import bp

__all__ = ["bp"]
