"""Which case texts a review page or export shows, handed to the one case-read log
(:func:`peerreview.selfeval.cases.log_case_read`).

A review response shows case text in two ways: the case fields themselves (the workspace's case chapter)
and quotes from them in annotations (cards, the theme view, the disagreement list, the exports).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from peerreview.accounts.models import User
from peerreview.selfeval import cases


def log(actor: User, context: dict[str, Any], *, via: str, annotations: Iterable[Any] | None = None) -> list[int]:
    """Log the cases ``context`` (a ``_workspace_context``) shows: its case chapter when on screen, and the
    annotations shown (``annotations``, by default the page's cards and its disagreements)."""
    if annotations is None:
        pairs = [(d.first, d.second) for d in context.get("disagreements", [])]
        annotations = [*context.get("annotations", []), *(a for pair in pairs for a in pair)]
    shown = context["cases"] if context.get("show_cases") else []
    keys = [getattr(a, "question_key", None) for a in annotations]
    return cases.log_case_read(actor, context["visitatie"], [*shown, *keys], via=via)
