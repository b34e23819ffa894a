"""The one conflict type: an edit based on a version that is no longer the stored one.

Every editable thing (answers, duidingen, visit notes, portret sections, ...) uses optimistic
concurrency: a save names the revision it was based on, and a service that finds a newer one raises
``Conflict`` *before writing anything*. The view answers 409 and shows both texts; nothing is
overwritten and nothing the user typed is lost.
"""

from __future__ import annotations

from typing import Any


class Conflict(Exception):
    """Someone saved in between. ``current`` is the stored version; ``context`` anything else the view needs
    to show it (for a portret section: the section definition)."""

    def __init__(self, current: Any, **context: Any) -> None:
        super().__init__("conflict")
        self.current = current
        self.context = context
