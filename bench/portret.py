"""The portret: draft generation time, and PDF rendering time and peak memory (target: at most 5 s).

Seeds the demo into a temporary SQLite database (the Peel en Maas visitatie: a submitted plusversie, a
released review, eight held conversations with quotes, the report's key figures), then

1. generates the draft from that material ``--drafts`` times (rolled back each time) and prints the
   median and the slowest time;
2. renders the definitive portret to a PDF ``--renders`` times, each in a fresh process so that
   the peak memory (maximum resident set size) belongs to one render only, and prints the pages, the
   number of charts, the time (median, slowest) and the peak memory during the render above the
   process at rest (Linux: the peak resident size is reset just before rendering).

    .venv/bin/python bench/portret.py [--drafts 5] [--renders 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def make_app(url: str):  # type: ignore[no-untyped-def]
    from peerreview import create_app

    return create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "DATABASE_URL": url,
            "JOBS_INLINE": True,
            "REDIS_URL": None,
            "SESSION_COOKIE_SECURE": False,
            "SERVER_NAME": "localhost",
            "BASE_URL": "http://localhost",
        }
    )


def peel_en_maas(session):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from peerreview.portret.models import Portret
    from peerreview.rounds.models import Visitatie
    from peerreview.tenants.models import Gemeente

    visitatie = session.scalar(select(Visitatie).join(Gemeente).where(Gemeente.slug == "peel-en-maas"))
    return session.scalar(select(Portret).where(Portret.visitatie_id == visitatie.id))


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in kB."""
    line = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith(field + ":"))
    return int(line.split()[1])


def render_once(url: str) -> None:
    """Child process: render the definitive version once; print time, peak memory, pages, charts."""
    from peerreview import db
    from peerreview.pdf import render_pdf
    from peerreview.portret import services, tasks

    app = make_app(url)
    with app.test_request_context(), db.new_session() as session:
        portret = peel_en_maas(session)
        version = services.version(session, portret, portret.adopted_version)
        html = tasks.pdf_html(session, portret, version)
        render_pdf("<html lang='nl'><head><title>warm</title></head><body><p>x</p></body></html>")  # load fonts once
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak resident size (Linux)
        before = _status("VmRSS")
        started = time.perf_counter()
        pdf = render_pdf(html)
        seconds = time.perf_counter() - started
        peak = _status("VmHWM")
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, text=False).stdout.decode()
    pages = next(int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:"))
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": (peak - before) / 1024,
                "rss_mb": peak / 1024,
                "pages": pages,
                "charts": html.count("<svg"),
                "bytes": len(pdf),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--drafts", type=int, default=5)
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        render_once(args.child)
        return

    from peerreview import db, demo, migrations
    from peerreview.portret import services

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    app = make_app(url)
    migrations.upgrade(app.extensions["peerreview.engine"])
    started = time.perf_counter()
    with app.test_request_context(), db.new_session() as session:
        demo.seed(session)
        session.commit()
    print(f"Demo seeded in {time.perf_counter() - started:.1f} s (includes one draft and one PDF)")

    times = []
    with app.test_request_context(), db.new_session() as session:
        portret = peel_en_maas(session)
        for _ in range(args.drafts):
            # The demo's Peel en Maas portret is definitive (no more drafts); in this rolled-back
            # transaction it is a draft again, so the richest material is measured.
            portret.adopted_version = None
            started = time.perf_counter()
            version = services.generate(session, portret, None)
            times.append(time.perf_counter() - started)
            sections = len(version.content["sections"])
            blocks = sum(len(s["provenance"]) for s in version.content["sections"])
            session.rollback()
    print(
        f"\nDraft generation (Peel en Maas, {sections} sections, {blocks} blocks with provenance), {args.drafts} runs:"
    )
    print(f"  median {statistics.median(times) * 1000:.0f} ms   slowest {max(times) * 1000:.0f} ms")

    runs = []
    for _ in range(args.renders):
        child = subprocess.run([sys.executable, __file__, "--child", url], capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
    first = runs[0]
    seconds = [r["seconds"] for r in runs]
    print(
        f"\nPDF rendering (WeasyPrint, PDF/UA-1): {first['pages']} pages, {first['charts']} charts, "
        f"{first['bytes'] // 1024} kB; {args.renders} renders, each in a fresh process:"
    )
    print(f"  time:        median {statistics.median(seconds):.2f} s   slowest {max(seconds):.2f} s")
    print(
        f"  peak memory: {max(r['peak_mb'] for r in runs):.0f} MB above the process at rest "
        f"(peak resident size {max(r['rss_mb'] for r in runs):.0f} MB)"
    )
    verdict = "MET" if max(seconds) <= 5 else "NOT MET"
    print(f"\nTarget: PDF in at most 5 s: {verdict} (slowest {max(seconds):.2f} s)")


if __name__ == "__main__":
    main()
