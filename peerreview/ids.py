"""Ids and revision numbers typed into forms: whole numbers within PostgreSQL's ``integer`` range.

An id from a form field is parsed here (never with a bare ``int()``), so a value that is negative,
not a number, or beyond 2**31 - 1 is refused (a 404 or a Dutch 422) instead of reaching the database
and answering 500. The app's ``int`` URL converter (``IdConverter``) does the same for ids in paths.
"""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter
from werkzeug.routing.map import Map
from wtforms import IntegerField
from wtforms.validators import InputRequired

MAX_ID = 2**31 - 1  # the largest PostgreSQL ``integer``


def parse_id(raw: str | None) -> int | None:
    """The id in ``raw`` (``"0"`` included), or None when it is not a whole number in range."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(MAX_ID)):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` in every URL rule: at most ``MAX_ID``, so a larger id does not match (404)."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class IdField(IntegerField):
    """A required id or revision number (0 up to ``MAX_ID``); anything else fails with ``message`` (Dutch),
    never with WTForms' English "Not a valid integer value"."""

    def __init__(
        self,
        label: str | None = None,
        *,
        message: str = "Dit nummer klopt niet. Laad de pagina opnieuw.",
        optional: bool = False,
        **kwargs: Any,
    ) -> None:
        """``optional``: an empty value is allowed and means None (for "nobody" in a choice of users)."""
        required = [] if optional else [InputRequired(message)]
        super().__init__(label, validators=[*required, *kwargs.pop("validators", [])], **kwargs)
        self.message, self.optional = message, optional

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            raw = valuelist[0]
            if self.optional and raw == "":
                self.data = None
                return
            self.data = parse_id(raw) if isinstance(raw, str) else None
            if self.data is None:
                raise ValueError(self.message)
