"""The submitted snapshot's format, shared by ``submission`` (which writes it), ``cases`` (which scrubs
withdrawn case texts from it) and ``tasks`` (which renders it), so that none of them has to import
another back: canonical JSON for its checksum, reading its answers, and the ``Blocker`` record of
what still stands in the way of a submission."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from peerreview.selfeval.models import Answer


@dataclass(frozen=True)
class Blocker:
    message: str
    url: str


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def answers_from(snapshot: dict[str, Any]) -> dict[str, Answer]:
    """Snapshot answers as (unsaved) Answer objects, so one template renders both."""
    return {
        k: Answer(question_key=k, value=v["value"], plain=v["plain"], revision=v["revision"])
        for k, v in snapshot.get("answers", {}).items()
    }
