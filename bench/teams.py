"""Review-team suggestion benchmark: how long ``peerreview.review.teams.suggest`` takes per round.

    .venv/bin/python bench/teams.py                 # best and median of 5 runs per round
    .venv/bin/python bench/teams.py --runs 20

The rounds are the ones the tests use for behaviour (tests/unit/test_teams.py), timed here instead of
asserted there (a wall-clock limit in a test fails on a busy shared machine and says nothing about
the code):

* realistic: 10 gemeenten in 3 jeugdregio's, 2 candidates per gemeente;
* 40 × 120: 40 participating gemeenten in 8 jeugdregio's, 120 candidates from 60 gemeenten;
* 40 × 120 lopsided: 35 of the 40 gemeenten in one jeugdregio, so most teams must warn and every
  improvement run is spent (the slowest case).

Each round is suggested with ``same_region="block"`` and ``"warn"``. It prints the time (best and
median of ``--runs``), the number of warnings and the load spread, and whether the target holds:
a suggestion for 40 gemeenten and 120 candidates in under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerreview.review.teams import Candidate, Target, check_round, suggest  # noqa: E402

TARGET_SECONDS = 2.0


def realistic() -> tuple[list[Target], list[Candidate]]:
    regions = {
        "IJsselland": ["Deventer", "Zwolle", "Kampen", "Raalte"],
        "Twente": ["Enschede", "Hengelo", "Almelo"],
        "Achterhoek": ["Doetinchem", "Winterswijk", "Aalten"],
    }
    targets, candidates = [], []
    gemeente_id = 0
    for region, names in regions.items():
        for name in names:
            gemeente_id += 1
            targets.append(Target(100 + gemeente_id, gemeente_id, name, region))
            candidates += [
                Candidate(gemeente_id * 10 + j, f"Persoon {gemeente_id}-{j}", gemeente_id, region, name)
                for j in range(2)
            ]
    return targets, candidates


def big_round() -> tuple[list[Target], list[Candidate]]:
    targets = [Target(1000 + g, g, f"Gemeente {g}", f"Regio {g % 8}") for g in range(1, 41)]
    candidates = [
        Candidate(i, f"Reviewer {i}", 1 + i % 60, None if i % 11 == 0 else f"Regio {(1 + i % 60) % 8}")
        for i in range(1, 121)
    ]
    return targets, candidates


def lopsided_round() -> tuple[list[Target], list[Candidate]]:
    targets = [Target(1000 + g, g, f"Gemeente {g}", "Groot" if g <= 35 else "Klein") for g in range(1, 41)]
    candidates = [
        Candidate(i, f"Reviewer {i}", 1 + i % 40, "Groot" if 1 + i % 40 <= 35 else "Klein") for i in range(1, 121)
    ]
    return targets, candidates


def measure(name: str, targets: list[Target], candidates: list[Candidate], same_region: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        teams = suggest(targets, candidates, same_region=same_region)
        times.append(time.perf_counter() - started)
    people = {c.user_id: c for c in candidates}
    problems = [p for found in check_round(targets, teams, people, same_region, 2).values() for p in found]
    load: dict[int, int] = {}
    for team in teams.values():
        for user_id in team.people():
            load[user_id] = load.get(user_id, 0) + 1
    spread = max(load.values()) - min(load.values()) if load else 0
    warnings = sum(1 for p in problems if p.level == "warn")
    blocks = sum(1 for p in problems if p.level == "block")
    best, median = min(times) * 1000, statistics.median(times) * 1000
    print(
        f"  {name:<22} {same_region:<5}  best {best:7.1f} ms   median {median:7.1f} ms"
        f"   {warnings:3d} warnings, {blocks} blocks, load spread {spread}"
    )
    return max(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per round and setting (default 5)")
    args = parser.parse_args()
    print(f"suggest(): {len(realistic()[0])}, 40 and 40 gemeenten; {args.runs} runs each\n")
    slowest_big = 0.0
    for name, build in (
        ("realistic 10 × 20", realistic),
        ("40 × 120", big_round),
        ("40 × 120 lopsided", lopsided_round),
    ):
        targets, candidates = build()
        for same_region in ("block", "warn"):
            slowest = measure(name, targets, candidates, same_region, args.runs)
            if len(targets) == 40:
                slowest_big = max(slowest_big, slowest)
    verdict = "MET" if slowest_big < TARGET_SECONDS else "NOT MET"
    print(f"\nTarget: 40 × 120 in under {TARGET_SECONDS:.0f} s: {verdict} (slowest run {slowest_big * 1000:.0f} ms)")
    return 0 if slowest_big < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
