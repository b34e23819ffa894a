"""The shipped YAML files are read with libyaml's C parser, and it reads them exactly as the Python one."""

import pytest
import yaml

from peerreview import yamlfiles
from peerreview.config import ROOT

SHIPPED = sorted((ROOT / "forms").glob("*.yaml")) + sorted((ROOT / "peerreview" / "demo_content").glob("*.yaml"))


def test_the_c_parser_is_used_when_pyyaml_has_it():
    if not yaml.__with_libyaml__:
        pytest.skip("this PyYAML was built without libyaml")
    assert yamlfiles.SafeLoader is yaml.CSafeLoader


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_shipped_file_reads_the_same_with_the_c_and_the_python_parser(path):
    text = path.read_text(encoding="utf-8")
    assert yamlfiles.load(text) == yaml.safe_load(text)


def test_the_loader_stays_safe_and_builds_no_python_objects():
    with pytest.raises(yaml.YAMLError):
        yamlfiles.load("!!python/object/apply:os.system ['true']")
