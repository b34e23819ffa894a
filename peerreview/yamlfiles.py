"""Reading the YAML files the app ships (``forms/``, the demo content): with libyaml's C parser.

PyYAML's pure-Python parser is about ten times slower than the C one (``CSafeLoader``, present when PyYAML
was built against libyaml, as the manylinux wheels are). The questionnaires are parsed at every start of
the app, so that difference is start-up time. Both are safe loaders: plain data, no Python objects.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """The data in one YAML document (``yaml.safe_load``, with the C parser where there is one)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506  (a safe loader, C or Python)
