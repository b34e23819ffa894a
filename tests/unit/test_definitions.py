"""Questionnaire definitions: the shipped files are valid, and broken files are refused clearly."""

import pytest

from peerreview.selfeval import definitions
from peerreview.selfeval.definitions import DefinitionError


def test_shipped_definitions_load():
    loaded = {d.key: d for d in definitions.validate_all()}
    basis, plus = loaded["zelfevaluatie-basis"], loaded["zelfevaluatie-plus"]
    assert basis.questions.keys() == plus.questions.keys()
    assert basis.casussen is None
    assert plus.casussen["minimum"] == 3
    assert [p.key for p in basis.pages][:3] == ["s1", "s2_1", "s2_2"]
    assert basis.questions["s2_3_2"].kind == "rating_list"
    assert len(basis.questions["s2_3_2"].spec["items"]) == 14  # the routekaart, as listed
    assert basis.questions["s2_5_2"].option_values() == {
        "schottenmodel",
        "ketenmodel",
        "netwerkmodel",
        "integraal_model",
    }
    assert basis.words_guideline == 6000


GOOD = """
key: zelfevaluatie-test
version: 1
sections:
  - key: s1
    title: Een
    questions:
      - {key: s1_1, label: Visie, prompt: Beschrijf de visie., kind: richtext, required: true}
"""


@pytest.fixture
def forms_dir(tmp_path, monkeypatch):
    (tmp_path / "zelfevaluatie").mkdir()
    monkeypatch.setattr(definitions, "FORMS", tmp_path)
    definitions.load.cache_clear()
    yield tmp_path / "zelfevaluatie"
    definitions.load.cache_clear()


def write(folder, text):
    (folder / "test-v1.yaml").write_text(text, encoding="utf-8")


def test_a_valid_file_loads(forms_dir):
    write(forms_dir, GOOD)
    assert definitions.load("zelfevaluatie-test", 1).questions["s1_1"].label == "Visie"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("kind: richtext", "kind: essay"), "kind 'essay' is not one of"),
        (("key: s1_1", "key: S1.1"), "must be lower case letters"),
        (("version: 1", "version: 2"), "key/version must be"),
        (("prompt: Beschrijf de visie., ", ""), "'prompt' is missing"),
        (("required: true}", "required: true, themes: [T13]}"), "unknown theme codes ['T13']"),
        (("sections:", "sectionz:"), "no sections"),
        (("title: Een", "title: Een\n    questions: []\n    x: 1"), "has neither questions nor subsections"),
    ],
)
def test_broken_files_are_refused_with_the_file_and_the_problem(forms_dir, change, message):
    old, new = change
    if old == "title: Een":
        text = GOOD.replace(
            "    questions:\n      - {key: s1_1, label: Visie, prompt: Beschrijf de visie., kind: richtext, required: true}\n",
            "",
        )
        text = text.replace(old, new)
    else:
        text = GOOD.replace(old, new, 1)
    write(forms_dir, text)
    with pytest.raises(DefinitionError) as error:
        definitions.load("zelfevaluatie-test", 1)
    assert "test-v1.yaml" in str(error.value)
    assert message in str(error.value)


def test_duplicate_question_keys_are_refused(forms_dir):
    write(forms_dir, GOOD + "      - {key: s1_1, label: Twee, prompt: Nog eens., kind: richtext}\n")
    with pytest.raises(DefinitionError, match="used twice"):
        definitions.load("zelfevaluatie-test", 1)


def test_unreadable_yaml_is_refused(forms_dir):
    write(forms_dir, "key: [unclosed\n")
    with pytest.raises(DefinitionError, match="cannot be read"):
        definitions.load("zelfevaluatie-test", 1)


def test_the_app_refuses_to_start_with_a_broken_definition(forms_dir):
    write(forms_dir, GOOD.replace("kind: richtext", "kind: essay"))
    from peerreview import create_app

    with pytest.raises(DefinitionError, match="essay"):
        create_app({"DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
