"""The yardstick for ``bench/pages.py``: a bare Flask app that serves a static Jinja page of a given size.

``GET /<size>`` renders a template of exactly ``size`` bytes (no database, no session, no login). It runs
under the same ``deploy/gunicorn.conf.py`` as the app, so the ratio between the two measures what the
app does per request beyond what Flask, Jinja and gunicorn cost anyway.
"""

from __future__ import annotations

from functools import cache

from flask import Flask
from jinja2 import Template

app = Flask(__name__)

MARKER = "bare-flask-page"
_HEAD = f'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>{MARKER}</title></head><body><main>'
_TAIL = "</main></body></html>"
_SENTENCE = "<p>Een statische alinea van de kale vergelijkingspagina, zonder database of sessie.</p>\n"


@cache
def _template(size: int) -> Template:
    """A template whose output is ``size`` bytes: static text, compiled once per size and worker."""
    room = max(0, size - len(_HEAD) - len(_TAIL))
    body = (_SENTENCE * (room // len(_SENTENCE) + 1))[:room]
    return app.jinja_env.from_string(_HEAD + body + _TAIL)


@app.get("/<int:size>")
def page(size: int) -> str:
    return _template(min(size, 2_000_000)).render()


@app.get("/healthz")
def healthz() -> str:
    """What ``autosave.Server.wait_ready`` polls, as on the app."""
    return "ok"
