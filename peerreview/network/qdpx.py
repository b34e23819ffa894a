"""The network's passages with their codes as a REFI-QDA project (``.qdpx``, issue 11 item 10), the
exchange format that ATLAS.ti, NVivo, MAXQDA and QualCoder import, so researchers can go on in their own tool.

A ``.qdpx`` file is a zip holding ``project.qde`` (XML in the namespace ``urn:QDA-XML:project:1.0``, the
REFI-QDA Project schema of March 2019) and the sources it points at. What we write, in the schema's order:

- ``<Project name origin creatingUserGUID creationDateTime>``
- ``<Users>``: one ``<User guid name>`` for the export itself, one for the review teams (who chose each
  passage's themes) and one per person who applied lens codes, by role only ("Codeur 1"), never by name.
- ``<CodeBook><Codes>``: a non-codable parent code "Succesthema's" with T1–T12 as codes (with their colour),
  and one non-codable parent per lens with its codes.
- ``<Sources>``: one ``<TextSource guid name plainTextPath="internal://<guid>.txt">`` per visitatie (its
  portret and released review material), whose plain text is the visible passages one after the other,
  stored in the zip as ``sources/<guid>.txt``; in it one ``<PlainTextSelection guid name startPosition
  endPosition>`` per passage (positions count characters from 0, the end is the position after the last
  character of the passage's text), carrying a ``<Coding guid creatingUser><CodeRef targetGUID/></Coding>``
  for each of its themes and lens codes.

GUIDs are uuid5 values in one fixed namespace, so the same passage, code or source has the same GUID in
every export (a researcher can import a later export into the same project): a selection's is derived from
the passage key, a source's from the visitatie, a code's from its theme or lens and key.
Only the passages handed in are written; the caller selects them with the reader's audiences in SQL.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache
from xml.etree import ElementTree as ET

from sqlalchemy import select
from sqlalchemy.orm import Session

from peerreview.db import utcnow
from peerreview.network.lens_models import PassageCode
from peerreview.network.lenses import lenses
from peerreview.network.models import NetworkPassage
from peerreview.review.themes import themes
from peerreview.rounds.models import Round
from peerreview.tenants.models import Gemeente

NAMESPACE = "urn:QDA-XML:project:1.0"
GUID_NAMESPACE = uuid.UUID("5b0f3c8e-6d1a-5f7e-9c2b-4a8e1d3f6b70")  # fixed forever: GUIDs stay stable
ORIGIN = "peerreview (visitaties jeugdhulp, landelijk netwerk)"

Coder = tuple[int | None, datetime]  # who applied a lens code, and when


def guid(*parts: object) -> str:
    """A stable GUID for the thing named by ``parts`` ("passage", key) — the same in every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, ":".join(str(p) for p in parts)))


@cache
def theme_guid(code: str) -> str:
    return guid("theme", code)


@cache
def lens_code_guid(lens: str, code: str) -> str:
    return guid("lens", lens, code)


def passage_guid(key: str) -> str:
    return guid("passage", key)


def source_guid(visitatie_id: int) -> str:
    return guid("source", "visitatie", visitatie_id)


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _sub(parent: ET.Element, element: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, _tag(element), attrs)


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def coders_of(session: Session, keys: Iterable[str]) -> dict[tuple[str, str, str], Coder]:
    """(passage key, lens, code) -> (user id who applied it, when): for the codings' attribution."""
    keys = list(keys)
    if not keys:
        return {}
    rows = session.execute(
        select(
            PassageCode.passage_key,
            PassageCode.lens,
            PassageCode.code,
            PassageCode.applied_by_id,
            PassageCode.applied_at,
        ).where(PassageCode.passage_key.in_(keys))
    )
    return {(key, lens, code): (user_id, at) for key, lens, code, user_id, at in rows}


def source_texts(passages: Iterable[NetworkPassage]) -> dict[int, tuple[str, list[tuple[NetworkPassage, int, int]]]]:
    """Per visitatie: the source's plain text and, per passage, where its text starts and ends in it.

    Each passage is written as a heading line (kind and title) and its text, separated by an empty line;
    the selection covers the passage's text only. Passages without text are left out."""
    grouped: dict[int, list[NetworkPassage]] = defaultdict(list)
    for p in passages:
        if p.text.strip():
            grouped[p.visitatie_id].append(p)
    result: dict[int, tuple[str, list[tuple[NetworkPassage, int, int]]]] = {}
    for visitatie_id, items in grouped.items():
        parts: list[str] = []
        length = 0
        spans: list[tuple[NetworkPassage, int, int]] = []
        for p in items:
            title = "" if p.title == p.kind.label else p.title
            heading = f"[{p.kind.label}] {title}".rstrip() + "\n"
            parts.append(heading)
            length += len(heading)
            start = length
            parts.append(p.text)
            length += len(p.text)
            spans.append((p, start, length))
            parts.append("\n\n")
            length += 2
        result[visitatie_id] = ("".join(parts), spans)
    return result


def build(
    passages: list[NetworkPassage],
    *,
    gemeenten: Mapping[int, Gemeente],
    rounds: Mapping[int, Round],
    codes: Mapping[str, set[tuple[str, str]]],
    coders: Mapping[tuple[str, str, str], Coder],
    now: datetime | None = None,
) -> bytes:
    """The ``.qdpx`` zip of ``passages`` (already filtered to what the reader may see)."""
    now = now or utcnow()
    ET.register_namespace("", NAMESPACE)
    export_user, team_user = guid("user", "export"), guid("user", "reviewteams")
    project = ET.Element(
        _tag("Project"),
        {
            "name": "Landelijk netwerk visitaties jeugdhulp: passages met codes",
            "origin": ORIGIN,
            "creatingUserGUID": export_user,
            "creationDateTime": _when(now),
        },
    )

    # Users: by role only.
    users = _sub(project, "Users")
    _sub(users, "User", guid=export_user, name="Export peerreview")
    _sub(users, "User", guid=team_user, name="Reviewteams (thema's)")
    coder_ids = sorted({user_id for user_id, _ in coders.values() if user_id is not None})
    coder_guid = {user_id: guid("user", "coder", user_id) for user_id in coder_ids}
    for number, user_id in enumerate(coder_ids, start=1):
        _sub(users, "User", guid=coder_guid[user_id], name=f"Codeur {number}")

    # The codebook: the twelve themes, then every lens.
    codebook = _sub(_sub(project, "CodeBook"), "Codes")
    parent = _sub(codebook, "Code", guid=guid("codebook", "themes"), name="Succesthema's", isCodable="false")
    ET.SubElement(parent, _tag("Description")).text = "De twaalf succesthema's van de visitaties."
    for code, theme in themes().items():
        element = _sub(
            parent, "Code", guid=theme_guid(code), name=f"{code} {theme.label}", isCodable="true", color=theme.colour
        )
        ET.SubElement(element, _tag("Description")).text = theme.description
    for lens in lenses().values():
        parent = _sub(codebook, "Code", guid=guid("codebook", "lens", lens.key), name=lens.name, isCodable="false")
        ET.SubElement(parent, _tag("Description")).text = lens.description
        for lens_code in lens.codes:
            element = _sub(
                parent, "Code", guid=lens_code_guid(lens.key, lens_code.key), name=lens_code.label, isCodable="true"
            )
            ET.SubElement(element, _tag("Description")).text = lens_code.description

    # The sources: one per visitatie, with a selection per passage.
    files: dict[str, str] = {}
    texts = source_texts(passages)
    if texts:
        sources = _sub(project, "Sources")
        for visitatie_id, (text, spans) in texts.items():
            first = spans[0][0]
            gemeente, round_ = gemeenten[first.gemeente_id], rounds[first.round_id]
            source_id = source_guid(visitatie_id)
            files[f"sources/{source_id}.txt"] = text
            source = _sub(
                sources,
                "TextSource",
                guid=source_id,
                name=f"{gemeente.name} — {round_.name}",
                plainTextPath=f"internal://{source_id}.txt",
                creatingUser=export_user,
                creationDateTime=_when(now),
            )
            concept = any(p.audience.value == "concept" for p, _, _ in spans)
            ET.SubElement(source, _tag("Description")).text = (
                f"Gemeenteportret en gedeelde reviewpassages van {gemeente.name} ({round_.name})."
                + (" Bevat conceptmateriaal: alleen voor analisten en rondecoördinatoren." if concept else "")
            )
            for p, start, end in spans:
                selection = _sub(
                    source,
                    "PlainTextSelection",
                    guid=passage_guid(p.key),
                    name=(p.kind.label if p.title in ("", p.kind.label) else f"{p.kind.label}: {p.title}")[:200],
                    startPosition=str(start),
                    endPosition=str(end),
                    creatingUser=export_user,
                    creationDateTime=_when(p.indexed_at),
                )
                ET.SubElement(selection, _tag("Description")).text = f"Passage {p.key} · {p.audience.label}" + (
                    f" · oordeel: {p.judgement}" if p.judgement else ""
                )
                for code in p.themes:
                    coding = _sub(
                        selection,
                        "Coding",
                        guid=guid("coding", p.key, "theme", code),
                        creatingUser=team_user,
                        creationDateTime=_when(p.indexed_at),
                    )
                    _sub(coding, "CodeRef", targetGUID=theme_guid(code))
                for lens_key, code in sorted(codes.get(p.key, ())):
                    coder_id, at = coders.get((p.key, lens_key, code), (None, now))
                    attrs = {"guid": guid("coding", p.key, "lens", lens_key, code), "creationDateTime": _when(at)}
                    if coder_id is not None and coder_id in coder_guid:
                        attrs["creatingUser"] = coder_guid[coder_id]
                    coding = _sub(selection, "Coding", **attrs)
                    _sub(coding, "CodeRef", targetGUID=lens_code_guid(lens_key, code))

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True))
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
