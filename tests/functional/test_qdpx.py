"""The REFI-QDA export (``/netwerk/export.qdpx``): the zip opens, ``project.qde`` parses and follows the
REFI-QDA Project schema, every selection lies within its source text and covers exactly its passage,
codings point at codes of the codebook, GUIDs are stable, and no passage the reader may not see is in it.

No package on PyPI ships the REFI-QDA XSD (``Project-mrt2019.xsd``), and the schema is not copied into
this repository, so :func:`check_project` checks the rules of that schema that our file uses, written
out from it: the element order of ``Project`` and ``TextSource``, the required attributes, the GUID,
RGB, integer, boolean and dateTime formats, ``plainTextPath`` instead of inline content, and references
that resolve.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from xml.etree import ElementTree as ET

import pytest
from sqlalchemy import select

from peerreview.accounts.models import MembershipRole, NetworkRole
from peerreview.network import qdpx
from peerreview.network.lens_services import set_codes
from peerreview.network.models import Audience, NetworkPassage, NetworkPassageTheme, PassageKind

NS = "urn:QDA-XML:project:1.0"
GUID = re.compile(r"^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
RGB = re.compile(r"^#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")

# From the schema: the sequence of children of each element we write (each optional unless required).
ORDER = {
    "Project": [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "Links",
        "Sets",
        "Graphs",
        "Description",
        "NoteRef",
    ],
    "Users": ["User"],
    "CodeBook": ["Codes"],
    "Codes": ["Code"],
    "Code": ["Description", "NoteRef", "Code"],
    "Sources": ["TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource"],
    "TextSource": ["Description", "PlainTextContent", "PlainTextSelection", "Coding", "NoteRef", "VariableValue"],
    "PlainTextSelection": ["Description", "Coding", "NoteRef"],
    "Coding": ["CodeRef", "NoteRef"],
    "User": [],
    "CodeRef": [],
    "Description": [],
}
REQUIRED = {
    "Project": {"name"},
    "User": {"guid"},
    "Code": {"guid", "name", "isCodable"},
    "TextSource": {"guid"},
    "PlainTextSelection": {"guid", "startPosition", "endPosition"},
    "Coding": {"guid"},
    "CodeRef": {"targetGUID"},
}
GUID_ATTRIBUTES = {"guid", "targetGUID", "creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID"}
REQUIRED_CHILD = {"CodeBook": "Codes", "Coding": "CodeRef"}


def local(tag: str) -> str:
    assert tag.startswith(f"{{{NS}}}"), f"{tag} is not in the REFI-QDA project namespace"
    return tag[len(NS) + 2 :]


def check_project(data: bytes) -> dict:
    """Open the .qdpx, check project.qde against the schema's rules; returns what the tests look at."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    names = set(archive.namelist())
    assert "project.qde" in names
    root = ET.fromstring(archive.read("project.qde"))
    assert local(root.tag) == "Project"

    guids: list[str] = []
    for element in root.iter():
        name = local(element.tag)
        assert name in ORDER, f"unexpected element {name}"
        children = [local(c.tag) for c in element]
        allowed = ORDER[name]
        positions = [allowed.index(c) if c in allowed else -1 for c in children]
        assert -1 not in positions, f"{name} may not hold {children}"
        if name != "Sources":  # a choice, any order; the others are sequences
            assert positions == sorted(positions), f"the children of {name} are out of order: {children}"
        if name in REQUIRED_CHILD:
            assert REQUIRED_CHILD[name] in children, f"{name} needs a {REQUIRED_CHILD[name]}"
            if name == "Coding":
                assert children.count("CodeRef") == 1
        missing = REQUIRED.get(name, set()) - set(element.attrib)
        assert not missing, f"{name} lacks {missing}"
        for attribute, value in element.attrib.items():
            if attribute in GUID_ATTRIBUTES:
                assert GUID.match(value), f"{name}@{attribute}={value!r} is no GUID"
            if attribute.endswith("DateTime"):
                assert DATETIME.match(value), f"{name}@{attribute}={value!r} is no xsd:dateTime"
        if "guid" in element.attrib:
            guids.append(element.attrib["guid"])
        if name == "Code":
            assert element.attrib["isCodable"] in {"true", "false"}
            assert "color" not in element.attrib or RGB.match(element.attrib["color"])
    assert len(guids) == len(set(guids)), "a GUID is used twice"

    users = {u.attrib["guid"] for u in root.iter(f"{{{NS}}}User")}
    codes = {c.attrib["guid"]: c for c in root.iter(f"{{{NS}}}Code")}
    codable = {g for g, c in codes.items() if c.attrib["isCodable"] == "true"}
    for element in root.iter():
        for attribute in ("creatingUser", "creatingUserGUID"):
            if attribute in element.attrib:
                assert element.attrib[attribute] in users, f"{attribute} names no user"

    sources: dict[str, dict] = {}
    for source in root.iter(f"{{{NS}}}TextSource"):
        path = source.attrib.get("plainTextPath", "")
        inline = source.find(f"{{{NS}}}PlainTextContent")
        assert bool(path) != (inline is not None), "a source has either plainTextPath or PlainTextContent"
        assert path == f"internal://{source.attrib['guid']}.txt"
        file_name = f"sources/{source.attrib['guid']}.txt"
        assert file_name in names, f"{file_name} is missing from the zip"
        text = archive.read(file_name).decode("utf-8")
        selections = {}
        for selection in source.iter(f"{{{NS}}}PlainTextSelection"):
            start, end = int(selection.attrib["startPosition"]), int(selection.attrib["endPosition"])
            assert 0 <= start <= end <= len(text), f"selection {start}-{end} lies outside a text of {len(text)}"
            refs = [c.find(f"{{{NS}}}CodeRef").attrib["targetGUID"] for c in selection.iter(f"{{{NS}}}Coding")]
            assert set(refs) <= codable, "a coding points at no codable code of the codebook"
            selections[selection.attrib["guid"]] = {"text": text[start:end], "codes": set(refs)}
        sources[source.attrib["guid"]] = {"name": source.attrib.get("name"), "text": text, "selections": selections}
    return {"root": root, "codes": codes, "sources": sources, "users": users, "names": names}


def selections(project: dict) -> dict[str, dict]:
    return {g: s for source in project["sources"].values() for g, s in source["selections"].items()}


def add(session, visitatie, key, audience, text, themes, kind=PassageKind.STERKTE):
    row = NetworkPassage(
        key=key,
        kind=kind,
        audience=audience,
        visitatie_id=visitatie.id,
        gemeente_id=visitatie.gemeente_id,
        round_id=visitatie.round_id,
        title=f"Over {key}",
        text=text,
    )
    row.theme_rows = [NetworkPassageTheme(theme=t) for t in themes]
    session.add(row)
    return row


@pytest.fixture
def network(session, make):
    alfa, beta = make.gemeente("Alfa"), make.gemeente("Beta")
    round_ = make.round("Ronde 2026")
    va, vb = make.visitatie(alfa, round_), make.visitatie(beta, round_)
    add(
        session,
        va,
        "section:1:visie",
        Audience.NETWERK,
        "Alfa werkt vanuit één visie: ‘gewoon opgroeien’.",
        ["T1", "T3"],
        PassageKind.SECTIE,
    )
    add(
        session,
        va,
        "annotation:7",
        Audience.NETWERK,
        "Korte lijnen met huisartsen.\n\nPOH-jeugd in elke praktijk.",
        ["T5"],
    )
    add(
        session,
        va,
        "summary:9",
        Audience.CONCEPT,
        "Een concepttekst die alleen analisten lezen.",
        ["T8"],
        PassageKind.SAMENVATTING,
    )
    add(session, vb, "lesson:2", Audience.OPENBAAR, "Begin klein en leer van elke stap.", ["T2"], PassageKind.LES)
    add(session, vb, "improvement:3", Audience.NETWERK, "", ["T2"], PassageKind.VERBETERPUNT)  # empty: left out
    session.commit()
    analyst = make.user(network_role=NetworkRole.ANALYST)
    for key, pairs in {
        "section:1:visie": {("jeugdwet_doelen", "normaliseren"), ("sturing", "interactief")},
        "summary:9": {("sturing", "financieel")},
        "lesson:2": {("toetsstenen", "vertrouwen_professionals")},
    }.items():
        item = session.scalar(select(NetworkPassage).where(NetworkPassage.key == key))
        set_codes(session, analyst, item, pairs)
    session.commit()
    return {"analyst": analyst, "member": make.user(gemeente=beta, role=MembershipRole.CONTRIBUTOR)}


def test_the_export_is_a_valid_refi_qda_project_with_every_visible_passage(client_for, network):
    response = client_for(network["analyst"]).get("/netwerk/export.qdpx")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert 'filename="netwerk-passages.qdpx"' in response.headers["Content-Disposition"]
    project = check_project(response.data)
    assert len(project["sources"]) == 2  # one per visitatie
    found = selections(project)
    assert {s["text"] for s in found.values()} == {
        "Alfa werkt vanuit één visie: ‘gewoon opgroeien’.",
        "Korte lijnen met huisartsen.\n\nPOH-jeugd in elke praktijk.",
        "Een concepttekst die alleen analisten lezen.",
        "Begin klein en leer van elke stap.",
    }


def test_codings_carry_the_themes_and_the_lens_codes(client_for, network):
    project = check_project(client_for(network["analyst"]).get("/netwerk/export.qdpx").data)
    visie = selections(project)[qdpx.passage_guid("section:1:visie")]
    assert visie["codes"] == {
        qdpx.theme_guid("T1"),
        qdpx.theme_guid("T3"),
        qdpx.lens_code_guid("jeugdwet_doelen", "normaliseren"),
        qdpx.lens_code_guid("sturing", "interactief"),
    }
    names = {c.attrib["name"] for c in project["codes"].values()}
    assert {"Succesthema's", "Doelen van de Jeugdwet", "Sturingsmechanismen", "Drentse toetsstenen"} <= names
    assert "T1 Politiek-sociale stabiliteit" in names
    # the analyst who coded is named by role only
    user_names = {u.attrib.get("name") for u in project["root"].iter(f"{{{NS}}}User")}
    assert "Codeur 1" in user_names
    assert not any("Persoon" in (n or "") or "@" in (n or "") for n in user_names)


def test_a_member_gets_no_concept_material_and_a_visitor_only_the_public_passage(client, client_for, network):
    member = check_project(client_for(network["member"]).get("/netwerk/export.qdpx").data)
    texts = {s["text"] for s in selections(member).values()}
    assert "Een concepttekst die alleen analisten lezen." not in texts
    assert qdpx.passage_guid("summary:9") not in selections(member)
    assert not any("concepttekst" in s["text"] for s in member["sources"].values())
    assert len(texts) == 3

    visitor = check_project(client.get("/netwerk/export.qdpx").data)
    assert {s["text"] for s in selections(visitor).values()} == {"Begin klein en leer van elke stap."}
    assert all("Korte lijnen" not in s["text"] for s in visitor["sources"].values())


def test_guids_are_stable_between_exports(client_for, network):
    analyst = client_for(network["analyst"])
    first = check_project(analyst.get("/netwerk/export.qdpx").data)
    second = check_project(analyst.get("/netwerk/export.qdpx?theme=T5").data)
    assert set(selections(second)) == {qdpx.passage_guid("annotation:7")}
    assert set(selections(second)) <= set(selections(first))
    assert qdpx.passage_guid("annotation:7") == str(uuid.uuid5(qdpx.GUID_NAMESPACE, "passage:annotation:7"))
    assert set(first["codes"]) == set(second["codes"])  # the whole codebook, whatever the filter


def test_the_export_filters_by_gemeente_and_lens(client_for, network):
    analyst = client_for(network["analyst"])
    by_gemeente = check_project(analyst.get("/netwerk/export.qdpx?gemeente=beta").data)
    assert {s["name"] for s in by_gemeente["sources"].values()} == {"Beta — Ronde 2026"}
    by_code = check_project(analyst.get("/netwerk/export.qdpx?lens=sturing&code=financieel").data)
    assert set(selections(by_code)) == {qdpx.passage_guid("summary:9")}
    empty = check_project(analyst.get("/netwerk/export.qdpx?lens=toetsstenen&code=niemand_wacht").data)
    assert empty["sources"] == {} and empty["codes"]  # no passages, still the codebook


def test_the_checker_refuses_a_selection_outside_its_text():
    """The schema check itself can fail: a selection past the end of its source is caught."""
    item = NetworkPassage(
        key="annotation:1",
        kind=PassageKind.STERKTE,
        audience=Audience.NETWERK,
        visitatie_id=1,
        gemeente_id=1,
        round_id=1,
        title="t",
        text="kort",
    )
    item.theme_rows = [NetworkPassageTheme(theme="T1")]

    class Named:
        name = "X"

    from peerreview.db import utcnow

    item.indexed_at = utcnow()
    data = qdpx.build([item], gemeenten={1: Named()}, rounds={1: Named()}, codes={}, coders={})  # type: ignore[dict-item]
    check_project(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    broken = archive.read("project.qde").replace(b'endPosition="', b'endPosition="9')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as copy:
        for name in archive.namelist():
            copy.writestr(name, broken if name == "project.qde" else archive.read(name))
    with pytest.raises(AssertionError, match="lies outside"):
        check_project(out.getvalue())
