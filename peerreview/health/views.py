from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from werkzeug.wrappers import Response

from peerreview import db, jobs

bp = Blueprint("health", __name__)


@bp.route("/healthz")
def healthz() -> Response:
    """Liveness: the process answers. No dependencies."""
    return jsonify(status="ok")


@bp.route("/readyz")
def readyz() -> tuple[Response, int]:
    """Readiness: the database answers, and Redis if it is configured."""
    checks: dict[str, str] = {}
    try:
        with db.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as error:
        checks["database"] = f"onbereikbaar: {type(error).__name__}"
    if current_app.config.get("REDIS_URL"):
        try:
            jobs.redis_connection().ping()
            checks["redis"] = "ok"
        except Exception as error:
            checks["redis"] = f"onbereikbaar: {type(error).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return jsonify(status="ok" if ready else "niet gereed", checks=checks), 200 if ready else 503
