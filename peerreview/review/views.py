"""The review's pages: one blueprint (``blueprint.bp``) with its views in modules by subject. Importing
this module registers them all; ``create_app`` registers ``bp``."""

from __future__ import annotations

from peerreview.review import (  # noqa: F401  (each module adds its routes to bp)
    annotation_views,
    export_views,
    guide_views,
    team_views,
    theme_views,
    workspace_views,
)
from peerreview.review.blueprint import bp

__all__ = ["bp"]
