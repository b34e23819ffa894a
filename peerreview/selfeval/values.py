"""What an answer may hold, per field kind: cleaning incoming values, plain text, and completeness.

Values are JSON objects:
richtext {"html"}; choice {"value", "explanation"}; checklist {"values", "explanation"};
rating_list {"items": {item: {"status", "comment"}}}; rows {"rows": [{column: value}]};
number {"value"}; strengths {"goed", "ontwikkel"}.
"""

from __future__ import annotations

import re
from typing import Any

from peerreview.formatting import number_nl
from peerreview.sanitize import RefusedText, clean_html, plain_text
from peerreview.selfeval.definitions import Question

MAX_ROWS = 60
MAX_COMMENT = 4000


class InvalidValue(ValueError):
    """The message is Dutch and says how to fix the input."""


def parse_number(raw: Any, question_label: str, minimum: float | None = None) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise InvalidValue(f"{question_label}: vul een getal in, bijvoorbeeld 12,5.")
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        text = str(raw).strip().replace("€", "").replace(" ", "")
        if "," in text:  # Dutch: 1.250,5
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # Dutch thousands: 3.400.000
            text = text.replace(".", "")
        try:
            number = float(text)
        except ValueError:
            raise InvalidValue(f"{question_label}: ‘{raw}’ is geen getal. Vul bijvoorbeeld 12,5 in.") from None
    if minimum is not None and number < minimum:
        raise InvalidValue(f"{question_label}: het getal mag niet kleiner zijn dan {minimum:g}.")
    return number


def _html(question: Question, raw: Any) -> str:
    try:
        return clean_html(str(raw or ""))
    except RefusedText as refused:
        raise InvalidValue(f"{question.label}: {refused}") from None


def _short(question: Question, raw: Any, where: str) -> str:
    text = str(raw or "").strip()
    if len(text) > MAX_COMMENT:
        raise InvalidValue(
            f"{question.label}: de tekst bij ‘{where}’ is {len(text)} tekens lang; het maximum is {MAX_COMMENT}. "
            "Je tekst staat nog in het veld; maak hem korter."
        )
    return text


def clean(question: Question, raw: Any) -> dict[str, Any]:
    """A cleaned value for ``question`` from untrusted input; raises InvalidValue (nothing is cut short)."""
    raw = raw if isinstance(raw, dict) else {}
    kind = question.kind
    if kind == "richtext":
        return {"html": _html(question, raw.get("html"))}
    if kind == "choice":
        value: Any = str(raw.get("value") or "")
        if value and value not in question.option_values():
            raise InvalidValue(f"{question.label}: kies een van de mogelijkheden.")
        return {"value": value or None, "explanation": _html(question, raw.get("explanation"))}
    if kind == "checklist":
        allowed = question.option_values("items")
        values = [str(v) for v in raw.get("values") or [] if str(v) in allowed]
        ordered = [str(i["value"]) for i in question.spec["items"] if str(i["value"]) in values]
        return {"values": ordered, "explanation": _html(question, raw.get("explanation"))}
    if kind == "rating_list":
        scale = question.option_values("scale")
        items = raw.get("items") if isinstance(raw.get("items"), dict) else {}
        result = {}
        for item in question.spec["items"]:
            entry = items.get(str(item["value"])) or {}
            status = "" if item.get("heading") else str(entry.get("status") or "")  # a heading row is not rated
            if status and status not in scale:
                raise InvalidValue(f"{question.label}: kies bij ‘{item['label']}’ een van de mogelijkheden.")
            comment = _short(question, entry.get("comment"), str(item["label"]))
            if status or comment:
                result[str(item["value"])] = {"status": status or None, "comment": comment}
        return _intro(question, raw, {"items": result})
    if kind == "rows":
        rows = raw.get("rows") if isinstance(raw.get("rows"), list) else []
        if len(rows) > MAX_ROWS:
            raise InvalidValue(f"{question.label}: gebruik hoogstens {MAX_ROWS} regels.")
        cleaned_rows = []
        for row in rows:
            if not isinstance(row, dict):
                continue
            cleaned: dict[str, Any] = {}
            for column in question.spec["columns"]:
                value = row.get(column["key"])
                if column["kind"] == "number":
                    cleaned[column["key"]] = parse_number(value, f"{question.label}, {column['label']}")
                elif column["kind"] == "choice":
                    allowed = {str(o["value"]) for o in column["options"]}
                    cleaned[column["key"]] = str(value) if value and str(value) in allowed else None
                else:
                    cleaned[column["key"]] = _short(question, value, str(column["label"]))
            if any(v not in (None, "") for v in cleaned.values()):
                cleaned_rows.append(cleaned)
        return _intro(question, raw, {"rows": cleaned_rows})
    if kind == "number":
        return {"value": parse_number(raw.get("value"), question.label, question.spec.get("min"))}
    if kind == "strengths":
        return {
            "goed": _html(question, raw.get("goed")),
            "ontwikkel": _html(question, raw.get("ontwikkel")),
        }
    raise InvalidValue(f"unknown kind {kind}")


def _intro(question: Question, raw: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """The text before a table, for a table question that asks for both (``intro`` in its definition)."""
    return {"intro": _html(question, raw.get("intro")), **value} if question.spec.get("intro") else value


def plain(question: Question, value: dict[str, Any]) -> str:
    """Canonical plain text of a value: what is counted, searched and annotated."""
    kind = question.kind
    if kind == "richtext":
        return plain_text(value.get("html", ""))
    if kind == "choice":
        label = question.label_of("options", value["value"]) if value.get("value") else ""
        return "\n".join(t for t in (label, plain_text(value.get("explanation", ""))) if t)
    if kind == "checklist":
        labels = [question.label_of("items", v) for v in value.get("values", [])]
        return "\n".join(t for t in ("; ".join(labels), plain_text(value.get("explanation", ""))) if t)
    if kind == "rating_list":
        lines = [intro] if (intro := plain_text(value.get("intro", ""))) else []
        for item in question.spec["items"]:
            entry = value.get("items", {}).get(str(item["value"]))
            if entry and item.get("heading"):
                lines.append(f"{item['label']}: {entry['comment']}" if entry.get("comment") else str(item["label"]))
            elif entry:
                status = question.label_of("scale", entry["status"]) if entry.get("status") else "—"
                lines.append(f"{item['label']}: {status}" + (f". {entry['comment']}" if entry.get("comment") else ""))
        return "\n".join(lines)
    if kind == "rows":
        intro = plain_text(value.get("intro", ""))
        rows = [
            " | ".join(cell_text(column, row.get(column["key"])) for column in question.spec["columns"])
            for row in value.get("rows", [])
        ]
        return "\n".join([intro, *rows] if intro else rows)
    if kind == "number":
        number = value.get("value")
        return "" if number is None else f"{number_nl(number)} {question.spec.get('unit', '')}".strip()
    if kind == "strengths":
        parts = [("Wat gaat goed", value.get("goed", "")), ("Ontwikkelpunten", value.get("ontwikkel", ""))]
        return "\n".join(f"{title}: {plain_text(html)}" for title, html in parts if plain_text(html))
    return ""


def table(question: Question, value: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """A table answer (rows, rating_list) as a header and rows of cell texts, for every place that shows
    it as a table: the portret, its PDF, the review workspace. For rows, the plain text is exactly these
    cells joined by " | ", one row per line."""
    if question.kind == "rows":
        columns = question.spec["columns"]
        head = [str(c["label"]) for c in columns]
        return head, [[cell_text(c, row.get(c["key"])) for c in columns] for row in value.get("rows", [])]
    if question.kind == "rating_list":
        rows = []
        for item in question.spec["items"]:
            entry = value.get("items", {}).get(str(item["value"]))
            if entry:
                status = question.label_of("scale", entry["status"]) if entry.get("status") else "—"
                status = "" if item.get("heading") else status
                rows.append([str(item["label"]), status, str(entry.get("comment") or "")])
        return ["Onderdeel", "Stand van zaken", "Toelichting"], rows
    raise ValueError(f"{question.kind} is not a table")


def is_filled(question: Question, value: dict[str, Any] | None) -> bool:
    if not value:
        return False
    kind = question.kind
    if kind == "choice":
        return bool(value.get("value"))
    if kind == "checklist":
        return bool(value.get("values")) or bool(plain_text(value.get("explanation", "")))
    if kind == "rating_list":
        return all(value.get("items", {}).get(str(i["value"]), {}).get("status") for i in question.rated_items())
    if kind == "rows":
        min_rows = int(question.spec.get("min_rows", 1))
        if min_rows == 0 and plain_text(value.get("intro", "")):
            return True  # answered in text: the table is optional
        return len(value.get("rows", [])) >= max(1, min_rows)
    if kind == "number":
        return value.get("value") is not None
    if kind == "strengths":
        return bool(plain_text(value.get("goed", ""))) and bool(plain_text(value.get("ontwikkel", "")))
    return bool(plain(question, value))


def cell_text(column: dict[str, Any], value: Any) -> str:
    if value in (None, ""):
        return "—"
    if column["kind"] == "choice":
        return next((o["label"] for o in column["options"] if str(o["value"]) == str(value)), str(value))
    if column["kind"] == "number":
        return number_nl(value)
    return str(value)
