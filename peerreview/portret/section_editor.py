"""The section editor's round trip, shared by the three views that save a portret section: the team's edit,
the erratum of the definitive portret, and a factual correction taken over from the reflectie.

Whatever happens, the form shows what the user typed; a refused save answers 422 (invalid input) or 409
(someone saved first, shown above the user's own text, or the service refused). The view decides what
to do after a successful save.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request

from peerreview import db
from peerreview.conflicts import Conflict
from peerreview.portret.forms import SectionForm


@dataclass
class SectionEdit:
    shown: dict[str, Any]  # the fields as the form shows them, and the version the edit is based on
    status: int = 200
    error: str | None = None
    theirs: dict[str, Any] | None = None  # the section as saved by someone else, after a conflict
    done: bool = False  # the save succeeded
    saved: Any = None  # what ``save`` returned
    form: SectionForm | None = field(default=None, repr=False)


def run(
    form_class: type[SectionForm],
    shown: dict[str, Any],
    base: int,
    save: Callable[[SectionForm], Any],
    *,
    invalid: str,
    conflict: Callable[[int], str],
    refused: tuple[type[Exception], ...],
    refused_status: int = 409,
) -> SectionEdit:
    """GET: ``shown`` as the form starts, based on version ``base``. POST: validate the ``form_class``
    form and call ``save(form)``; ``invalid`` is the message when validation gives none, ``conflict(n)``
    the message when version ``n`` was saved meanwhile, and exceptions of ``refused`` carry a message."""
    edit = SectionEdit(shown={**shown, "base": base})
    if request.method != "POST":
        return edit
    form = edit.form = form_class()
    edit.shown = {name: getattr(form, name).data or "" for name in shown}
    edit.shown["base"] = form.base.data if form.base.data is not None else base
    if not form.validate_on_submit():
        edit.status, edit.error = 422, form.first_error() or invalid
        return edit
    try:
        edit.saved, edit.done = save(form), True
    except Conflict as clash:
        db.session().rollback()
        edit.theirs, edit.status = clash.context["section"], 409
        edit.shown["base"] = clash.current.number
        edit.error = conflict(clash.current.number)
    except refused as error:
        db.session().rollback()
        edit.status, edit.error = refused_status, str(error)
    return edit


def someone_else_saved(number: int) -> str:
    return (
        f"Iemand anders heeft deze sectie intussen opgeslagen (versie {number}). Je eigen tekst staat in het veld; "
        "de opgeslagen tekst zie je erboven. Voeg ze samen en sla opnieuw op."
    )
