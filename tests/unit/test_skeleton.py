"""The portret skeleton: the sections of the issue, in order, and broken files refused with a clear message."""

from __future__ import annotations

import pytest

from peerreview.portret import skeleton
from peerreview.selfeval.definitions import DefinitionError


def test_the_skeleton_has_every_part_of_a_portret_in_order():
    current = skeleton.load(skeleton.latest_version())
    kinds = [s.kind for s in current.sections if s.level == 1]
    assert kinds[:3] == ["title", "authors", "lead"]
    assert kinds[-3:] == ["resume", "respondents", "sources"]
    keys = [s.key for s in current.sections]
    for key in ("in_cijfers", "visie", "inrichting", "samenwerking", "financiering", "monitoring"):
        assert key in keys
    samenwerking = [s.key for s in current.sections if s.parent == "samenwerking"]
    assert samenwerking == ["huisartsen", "onderwijs", "specialistische_aanbieders", "veiligheidsketen"]
    assert current.section("visie").heading("Zaltbommel") == "De visie van Zaltbommel op jeugdhulp"
    assert current.section("titel").heading("Utrecht", "Het vierkant is rond") == "Utrecht: Het vierkant is rond"


def test_the_skeleton_files_are_valid():
    skeleton.validate()  # also runs at start-up


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sections:\n  - {key: a, title: A, kind: poem}\n", "kind must be one of"),
        ("sections:\n  - {key: a, kind: narrative}\n", "a title is required"),
        ("sections:\n  - {key: a, title: A, kind: lead}\n  - {key: a, title: B, kind: lead}\n", "occur twice"),
        ("sections: [\n", "cannot be read"),
    ],
)
def test_a_broken_skeleton_is_refused_with_the_file_and_reason(tmp_path, monkeypatch, text, message):
    (tmp_path / "portret-v1.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(skeleton, "FORMS", tmp_path)
    skeleton.load.cache_clear()
    try:
        with pytest.raises(DefinitionError, match=message) as error:
            skeleton.load(1)
        assert "portret-v1.yaml" in str(error.value)
    finally:
        skeleton.load.cache_clear()


def test_a_source_that_names_no_question_is_refused(tmp_path, monkeypatch):
    (tmp_path / "portret-v1.yaml").write_text(
        "sections:\n  - {key: a, title: A, kind: narrative, sources: [s1_1, s9_9, T3, quotes]}\n", encoding="utf-8"
    )
    monkeypatch.setattr(skeleton, "FORMS", tmp_path)
    skeleton.load.cache_clear()
    try:
        with pytest.raises(DefinitionError, match=r"unknown sources \['s9_9'\]"):
            skeleton.validate()
    finally:
        skeleton.load.cache_clear()
