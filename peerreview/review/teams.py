"""Review teams for a round: the conflict-of-interest rules and a suggested assignment.

Pure functions on plain data (no database, no Flask); the services turn rows into ``Candidate``, ``Target``
and ``Team`` values and back.

Rules (``check_team``)
----------------------
A team is a lead reviewer plus one or two members, all from other gemeenten than the one under review.

==============  =====================  ====================================================================
code            level                  when
==============  =====================  ====================================================================
no_lead         block                  the team has no lead
team_size       block                  the same person is in the team twice
team_size       warn                   no members besides the lead, or more than two
own_gemeente    block                  a reviewer works for the gemeente under review
same_region     block or warn          a reviewer's gemeente is in the same jeugdregio (round setting
                                       ``same_region``: "block" or "warn")
reciprocity     warn                   gemeente A reviews B in this round while B reviews A (one problem
                                       per pair of gemeenten, reported on both teams)
load            warn                   a reviewer is on more than ``max_per_reviewer`` teams in the round
==============  =====================  ====================================================================

Every message is a complete Dutch sentence that names the people and gemeenten involved.

Suggestion (``suggest``)
------------------------
Every target without an existing team gets ``team_size`` slots: slot 0 is the lead, the others are members.
Existing teams are kept as they are, but their people count toward load, leads and reciprocity. The quality
of a whole assignment is one number, a weighted sum in which every level outweighs all levels below it:

a. an empty slot (only when no admissible candidate is left)                    1 000 000 each
b. a warning: a reviewer from the same jeugdregio (setting "warn"), a reciprocal   10 000 each
   pair of gemeenten, every team beyond ``max_per_reviewer`` for a reviewer
c. load balance: 100 × load² per reviewer; the sum of squares is smallest when the teams are spread evenly,
   so taking a slot from a reviewer with load L and giving it to one with load M pays off when L - M ≥ 2
d. two people from the same gemeente in one team: 150 per pair
e. leading more than one team: 30 × leads² per reviewer

Block rules are not weighed: a person is never placed in a slot where a block rule forbids them (own
gemeente, the same jeugdregio with "block", already in that team).

1. Greedy. The slots are filled round by round (first every lead, then every first member, ...), so the
   load grows evenly. Within a round, targets with the fewest admissible candidates go first. Each slot takes
   the admissible candidate whose addition raises the cost least; ties are broken by a seeded shuffle.
2. Local improvement, repeated until a pass finds nothing better (at most ``_MAX_PASSES`` passes):
   *refill* - every slot is emptied and refilled with the cheapest admissible candidate (possibly the same
   person); *swap* - every slot whose person causes a warning, a same-gemeente pair or a double lead tries
   exchanging its person with the person in every other slot (also lead <-> member within one team). Only
   strictly cheaper moves are taken, so the pass loop ends.
3. Restarts. When the result still has an empty slot or a warning, or one usable candidate has two teams
   more than another (unused candidates count as 0), steps 1-2 run again with a new shuffle and the cheapest
   result is kept. At most ``_MAX_RUNS`` runs, and no new run or pass once ``_WORK_BUDGET`` cost evaluations
   have been spent. That budget is counted, never timed, so the same input and seed always give the same teams.
   (Fewer runs would still meet the goal "load spread ≤ 1 among the people used"; the stricter test also puts
   people who would otherwise be left out to work.)

If a target cannot get a full team without breaking a block rule it gets as many people as possible;
a target left with only members gets one of them as lead. ``check_team`` then reports team_size / no_lead.
For 40 targets and 120 candidates a suggestion takes well under half a second.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

BLOCK = "block"
WARN = "warn"
SAME_REGION_SETTINGS = (BLOCK, WARN)


@dataclass(frozen=True)
class Candidate:
    user_id: int
    name: str
    gemeente_id: int
    jeugdregio: str | None
    gemeente_name: str = ""  # optional, only used in messages (targets supply names for participating gemeenten)


@dataclass(frozen=True)
class Target:
    """A visitatie to be reviewed."""

    visitatie_id: int
    gemeente_id: int
    gemeente_name: str
    jeugdregio: str | None


@dataclass(frozen=True)
class Problem:
    level: str  # "block" or "warn"
    code: str  # "own_gemeente" | "same_region" | "reciprocity" | "load" | "team_size" | "no_lead"
    message: str


@dataclass
class Team:
    lead: int | None  # user_id
    members: list[int] = field(default_factory=list)  # user_ids, not including the lead

    def people(self) -> list[int]:
        """Lead first, then the members; without duplicates."""
        seen: list[int] = []
        for user_id in [self.lead, *self.members]:
            if user_id is not None and user_id not in seen:
                seen.append(user_id)
        return seen


# --------------------------------------------------------------------------------------------------- rules


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en " + words[-1]


def _check_setting(same_region: str) -> None:
    if same_region not in SAME_REGION_SETTINGS:
        raise ValueError(f"same_region must be 'block' or 'warn', not {same_region!r}")


def check_team(
    target: Target,
    team: Team,
    candidates: dict[int, Candidate],
    all_teams: dict[int, Team],
    targets: dict[int, Target],
    same_region: str = BLOCK,
    max_per_reviewer: int = 2,
) -> list[Problem]:
    """All problems with ``team`` as the review team for ``target``, blocks and warnings, in a stable order.

    ``candidates`` must hold every person in ``team`` (a ValueError otherwise); people in other teams who are
    missing from it are left out of the reciprocity check. ``all_teams`` (visitatie_id -> Team) is the whole
    round; the entry for ``target`` is replaced by ``team``. ``targets`` (visitatie_id -> Target) supplies the
    gemeente of the other teams.
    """
    _check_setting(same_region)
    place = target.gemeente_name
    missing = [u for u in team.people() if u not in candidates]
    if missing:
        raise ValueError(f"user_id(s) {missing} not in candidates")
    problems: list[Problem] = []

    if team.lead is None:
        problems.append(Problem(BLOCK, "no_lead", f"Het reviewteam voor {place} heeft nog geen teamleider."))
    everyone = [u for u in [team.lead, *team.members] if u is not None]
    for user_id in team.people():
        if everyone.count(user_id) > 1:
            problems.append(
                Problem(
                    BLOCK,
                    "team_size",
                    f"{candidates[user_id].name} staat meer dan één keer in het reviewteam voor {place}.",
                )
            )
    if not team.members:
        problems.append(
            Problem(
                WARN,
                "team_size",
                f"Het reviewteam voor {place} heeft naast de teamleider geen leden; er hoort minstens één lid bij.",
            )
        )
    elif len(team.members) > 2:
        problems.append(
            Problem(
                WARN,
                "team_size",
                f"Het reviewteam voor {place} heeft {len(team.members)} leden "
                f"naast de teamleider; dat zijn er meer dan twee.",
            )
        )

    names = {c.gemeente_id: c.gemeente_name for c in candidates.values() if c.gemeente_name}
    names.update({t.gemeente_id: t.gemeente_name for t in targets.values()})
    names[target.gemeente_id] = place

    def from_where(person: Candidate) -> str:
        own = names.get(person.gemeente_id)
        return f"{person.name} ({own})" if own else person.name

    for user_id in team.people():
        person = candidates[user_id]
        if person.gemeente_id == target.gemeente_id:
            problems.append(
                Problem(BLOCK, "own_gemeente", f"{person.name} werkt bij {place}, de gemeente die wordt gevisiteerd.")
            )
        elif person.jeugdregio is not None and person.jeugdregio == target.jeugdregio:
            level = BLOCK if same_region == BLOCK else WARN
            problems.append(
                Problem(
                    level,
                    "same_region",
                    f"{from_where(person)} komt uit dezelfde jeugdregio ({person.jeugdregio}) als {place}.",
                )
            )

    round_teams = dict(all_teams)
    round_teams[target.visitatie_id] = team

    # Reciprocity: people from gemeente A on this team, while the team for A has people from this gemeente.
    by_gemeente: dict[int, list[Candidate]] = {}
    for user_id in team.people():
        person = candidates[user_id]
        if person.gemeente_id != target.gemeente_id:
            by_gemeente.setdefault(person.gemeente_id, []).append(person)
    for other_gemeente, ours in by_gemeente.items():
        theirs: list[Candidate] = []
        other_targets = [t for v, t in targets.items() if t.gemeente_id == other_gemeente and v != target.visitatie_id]
        for other in other_targets:
            other_team = round_teams.get(other.visitatie_id)
            for user_id in other_team.people() if other_team else []:
                candidate = candidates.get(user_id)
                if candidate is not None and candidate.gemeente_id == target.gemeente_id and candidate not in theirs:
                    theirs.append(candidate)
        if theirs:
            other_name = other_targets[0].gemeente_name
            problems.append(
                Problem(
                    WARN,
                    "reciprocity",
                    (
                        f"{other_name} en {place} visiteren elkaar in deze ronde: "
                        f"{_and([p.name for p in ours])} ({other_name}) {'zit' if len(ours) == 1 else 'zitten'} in het "
                        f"reviewteam voor {place} en {_and([p.name for p in theirs])} ({place}) in het reviewteam voor "
                        f"{other_name}."
                    ),
                )
            )

    load: dict[int, int] = {}
    for other_team in round_teams.values():
        for user_id in other_team.people():
            load[user_id] = load.get(user_id, 0) + 1
    for user_id in team.people():
        if load[user_id] > max_per_reviewer:
            problems.append(
                Problem(
                    WARN,
                    "load",
                    f"{candidates[user_id].name} zit in deze ronde in {load[user_id]} "
                    f"reviewteams; het advies is hoogstens {max_per_reviewer}.",
                )
            )
    return problems


def blocked(problems: Iterable[Problem]) -> bool:
    return any(p.level == BLOCK for p in problems)


def check_round(
    targets: Iterable[Target],
    teams: dict[int, Team],
    candidates: dict[int, Candidate],
    same_region: str = BLOCK,
    max_per_reviewer: int = 2,
) -> dict[int, list[Problem]]:
    """``check_team`` for every target that has a team: visitatie_id -> problems."""
    by_id = {t.visitatie_id: t for t in targets}
    return {
        v: check_team(t, teams[v], candidates, teams, by_id, same_region, max_per_reviewer)
        for v, t in by_id.items()
        if v in teams
    }


# ---------------------------------------------------------------------------------------------- suggestion

_EMPTY = 1_000_000
_WARNING = 10_000
_BALANCE = 100
_SAME_GEMEENTE = 150
_LEAD = 30
_MAX_PASSES = 20
_MAX_RUNS = 25
_WORK_BUDGET = 120_000  # cost evaluations for all runs together (0.2-0.3 s); counted, never timed


class _Assignment:
    """Mutable state of one greedy + improvement run; everything indexed by small integers."""

    def __init__(
        self,
        targets: list[Target],
        candidates: list[Candidate],
        fixed: list[tuple[int, Team]],
        same_region: str,
        team_size: int,
        max_per_reviewer: int,
        rank: list[int],
    ) -> None:
        gemeenten: dict[int, int] = {}
        for gemeente_id in [t.gemeente_id for t in targets] + [c.gemeente_id for c in candidates]:
            gemeenten.setdefault(gemeente_id, len(gemeenten))
        self.cg = [gemeenten[c.gemeente_id] for c in candidates]
        self.tg = [gemeenten[t.gemeente_id] for t in targets]
        self.maxp = max_per_reviewer
        self.region_warn = [
            [same_region == WARN and c.jeugdregio is not None and c.jeugdregio == t.jeugdregio for c in candidates]
            for t in targets
        ]
        in_rank_order = sorted(range(len(candidates)), key=rank.__getitem__)
        self.admissible = [[i for i in in_rank_order if _admissible(candidates[i], t, same_region)] for t in targets]
        self.admissible_sets = [set(a) for a in self.admissible]
        self.usable: list[int] = []  # candidates admissible for at least one target, filled in by greedy()
        n = len(gemeenten)
        self.recip = [[0] * n for _ in range(n)]  # recip[a][b]: people from gemeente a on the team for b
        self.load = [0] * len(candidates)
        self.leads = [0] * len(candidates)
        index = {c.user_id: i for i, c in enumerate(candidates)}
        target_gemeente = {t.visitatie_id: gemeenten[t.gemeente_id] for t in targets}
        for visitatie_id, team in fixed:
            for user_id in team.people():
                i = index.get(user_id)
                if i is None:
                    continue
                self.load[i] += 1
                if user_id == team.lead:
                    self.leads[i] += 1
                if visitatie_id in target_gemeente:
                    self.recip[self.cg[i]][target_gemeente[visitatie_id]] += 1
        self.team_size = team_size
        self.team: dict[int, list[int]] = {}
        self.cost = 0
        self.cost = self.recount()[0]
        self.work = 0  # cost evaluations so far

    def delta_add(self, t: int, k: int, q: int) -> int:
        """The cost change of putting candidate q into the empty slot (t, k); changes nothing."""
        a, b = self.cg[q], self.tg[t]
        c = -_EMPTY
        if self.region_warn[t][q]:
            c += _WARNING
        if self.recip[a][b] == 0 and self.recip[b][a] > 0:
            c += _WARNING
        load = self.load[q]
        c += _BALANCE * (2 * load + 1)
        if load >= self.maxp:
            c += _WARNING
        if k == 0:
            c += _LEAD * (2 * self.leads[q] + 1)
        for other in self.team[t]:
            if other >= 0 and self.cg[other] == a:
                c += _SAME_GEMEENTE
        return c

    def add(self, t: int, k: int, q: int) -> None:
        self.cost += self.delta_add(t, k, q)
        self.team[t][k] = q
        self.recip[self.cg[q]][self.tg[t]] += 1
        self.load[q] += 1
        if k == 0:
            self.leads[q] += 1

    def remove(self, t: int, k: int) -> int:
        q = self.team[t][k]
        self.team[t][k] = -1
        self.recip[self.cg[q]][self.tg[t]] -= 1
        self.load[q] -= 1
        if k == 0:
            self.leads[q] -= 1
        self.cost -= self.delta_add(t, k, q)
        return q

    def delta_swap(self, t1: int, k1: int, t2: int, k2: int) -> int:
        """The cost change of exchanging the people in two filled slots; loads stay the same."""
        p1, p2 = self.team[t1][k1], self.team[t2][k2]
        d = 0
        if k1 == 0 and k2 != 0:
            d += _LEAD * 2 * (self.leads[p2] - self.leads[p1] + 1)
        elif k2 == 0 and k1 != 0:
            d += _LEAD * 2 * (self.leads[p1] - self.leads[p2] + 1)
        if t1 == t2:
            return d
        rw = self.region_warn
        d += _WARNING * (rw[t1][p2] + rw[t2][p1] - rw[t1][p1] - rw[t2][p2])
        cg, g1, g2 = self.cg, self.cg[p1], self.cg[p2]
        if g1 == g2:
            return d
        for t, k, old, new in ((t1, k1, g1, g2), (t2, k2, g2, g1)):
            for j, o in enumerate(self.team[t]):
                if j != k and o >= 0:
                    d += _SAME_GEMEENTE * ((cg[o] == new) - (cg[o] == old))
        b1, b2, r = self.tg[t1], self.tg[t2], self.recip
        if d >= _WARNING * ((r[g1][b1] == 1 and r[b1][g1] > 0) + (r[g2][b2] == 1 and r[b2][g2] > 0)):
            return d  # no reciprocal pair can be resolved, and the rest does not pay: not worth counting exactly
        pairs = {(min(x, y), max(x, y)) for x, y in ((g1, b1), (g2, b1), (g2, b2), (g1, b2))}
        before = sum(1 for x, y in pairs if r[x][y] and r[y][x])
        r[g1][b1] -= 1
        r[g2][b1] += 1
        r[g2][b2] -= 1
        r[g1][b2] += 1
        after = sum(1 for x, y in pairs if r[x][y] and r[y][x])
        r[g1][b1] += 1
        r[g2][b1] -= 1
        r[g2][b2] += 1
        r[g1][b2] -= 1
        return d + _WARNING * (after - before)

    def fits(self, t: int, q: int) -> bool:
        return q in self.admissible_sets[t] and q not in self.team[t]

    def best_for(self, t: int, k: int) -> int:
        best, best_key = -1, None
        team = self.team[t]
        self.work += len(self.admissible[t])
        for q in self.admissible[t]:  # in rank order, so the first of equal cost wins
            if q in team:
                continue
            d = self.delta_add(t, k, q)
            if best_key is None or d < best_key:
                best, best_key = q, d
        return best

    def greedy(self, order: list[int]) -> None:
        for t in order:
            self.team[t] = [-1] * self.team_size
            self.cost += _EMPTY * self.team_size
        self.usable = sorted(set().union(*(self.admissible_sets[t] for t in order)))
        for k in range(self.team_size):
            for t in order:
                q = self.best_for(t, k)
                if q >= 0:
                    self.add(t, k, q)

    def troubled(self, t: int, k: int) -> bool:
        q = self.team[t][k]
        if q < 0:
            return False
        a, b = self.cg[q], self.tg[t]
        return (
            self.region_warn[t][q]
            or self.recip[b][a] > 0
            or (k == 0 and self.leads[q] > 1)
            or any(o >= 0 and o != q and self.cg[o] == a for o in self.team[t])
        )

    def improve(self, order: list[int], budget: int) -> None:
        slots = [(t, k) for t in order for k in range(self.team_size)]
        for passes in range(_MAX_PASSES):
            if passes and self.work >= budget:
                break
            before = self.cost
            for t, k in slots:  # refill
                old = self.team[t][k]
                if old >= 0:
                    self.remove(t, k)
                q = self.best_for(t, k)
                if old >= 0 and q != old and self.delta_add(t, k, q) >= self.delta_add(t, k, old):
                    q = old  # only strictly better moves
                if q >= 0:
                    self.add(t, k, q)
            for t1, k1 in slots:  # swap
                if not self.troubled(t1, k1):
                    continue
                self.work += len(slots)
                for t2, k2 in slots:
                    p1, p2 = self.team[t1][k1], self.team[t2][k2]
                    if p1 < 0 or p2 < 0 or p1 == p2:
                        continue
                    if t1 == t2:
                        if k1 != 0 and k2 != 0:
                            continue  # two members trading places changes nothing
                    elif not (self.fits(t1, p2) and self.fits(t2, p1)):
                        continue
                    if self.delta_swap(t1, k1, t2, k2) < 0:
                        self.remove(t1, k1)
                        self.remove(t2, k2)
                        self.add(t1, k1, p2)
                        self.add(t2, k2, p1)
                        if not self.troubled(t1, k1):
                            break
            if self.cost >= before:
                break

    def recount(self) -> tuple[int, int, int]:
        """(cost, empty slots, warnings) counted from scratch; the fixed teams' own terms are left out."""
        empty = warnings = cost = 0
        for t, team in self.team.items():
            for k, q in enumerate(team):
                if q < 0:
                    empty += 1
                    continue
                warnings += self.region_warn[t][q]
                cost += sum(_SAME_GEMEENTE for o in team[k + 1 :] if o >= 0 and self.cg[o] == self.cg[q])
        n = len(self.recip)
        warnings += sum(1 for a in range(n) for b in range(a + 1, n) if self.recip[a][b] and self.recip[b][a])
        warnings += sum(max(0, x - self.maxp) for x in self.load)
        cost += sum(_BALANCE * x * x for x in self.load) + sum(_LEAD * x * x for x in self.leads)
        return cost + _EMPTY * empty + _WARNING * warnings, empty, warnings

    def perfect(self) -> bool:
        """No empty slot, no warning, and all usable candidates within one team of each other (unused: 0)."""
        _, empty, warnings = self.recount()
        loads = [self.load[i] for i in self.usable]
        return not empty and not warnings and (not loads or max(loads) - min(loads) <= 1)


def _admissible(candidate: Candidate, target: Target, same_region: str) -> bool:
    """May ``candidate`` review ``target`` at all (no block rule)?"""
    if candidate.gemeente_id == target.gemeente_id:
        return False
    same = candidate.jeugdregio is not None and candidate.jeugdregio == target.jeugdregio
    return not (same and same_region == BLOCK)


def suggest(
    targets: list[Target],
    candidates: list[Candidate],
    *,
    same_region: str = BLOCK,
    team_size: int = 3,
    max_per_reviewer: int = 2,
    existing: dict[int, Team] | None = None,
    seed: int = 0,
) -> dict[int, Team]:
    """A team for every target: visitatie_id -> Team, in the order of ``targets`` (see the module docstring).

    Targets in ``existing`` keep their team (a copy); teams in ``existing`` for visitaties not among
    ``targets`` still count toward load (not toward reciprocity: their gemeente is unknown). People in existing
    teams count only if they are among ``candidates``. ``team_size`` is the lead plus the members: 2 or 3.
    """
    _check_setting(same_region)
    if team_size not in (2, 3):
        raise ValueError(f"team_size must be 2 or 3 (a lead and one or two members), not {team_size}")
    if max_per_reviewer < 1:
        raise ValueError("max_per_reviewer must be at least 1")
    if len({t.visitatie_id for t in targets}) != len(targets):
        raise ValueError("every target needs its own visitatie_id")
    existing = existing or {}
    people = list({c.user_id: c for c in sorted(candidates, key=lambda c: c.user_id)}.values())
    fixed = sorted(existing.items())
    open_targets = [i for i, t in enumerate(targets) if t.visitatie_id not in existing]

    rng = random.Random(seed)  # noqa: S311 - a reproducible shuffle, not a secret
    best: _Assignment | None = None
    spent = 0
    for _ in range(_MAX_RUNS):
        rank = list(range(len(people)))
        rng.shuffle(rank)
        state = _Assignment(targets, people, fixed, same_region, team_size, max_per_reviewer, rank)
        shuffled = open_targets[:]
        rng.shuffle(shuffled)
        order = sorted(shuffled, key=lambda t: len(state.admissible[t]))  # stable: the shuffle breaks ties
        state.greedy(order)
        state.improve(order, _WORK_BUDGET - spent)
        spent += state.work
        if best is None or state.cost < best.cost:
            best = state
        if spent >= _WORK_BUDGET or state.perfect():
            break

    result: dict[int, Team] = {}
    for i, target in enumerate(targets):
        if target.visitatie_id in existing:
            team = existing[target.visitatie_id]
            result[target.visitatie_id] = Team(team.lead, list(team.members))
            continue
        chosen = [people[q].user_id if q >= 0 else None for q in best.team[i]] if best else [None]
        lead, members = chosen[0], [u for u in chosen[1:] if u is not None]
        if lead is None and members:
            lead = members.pop(0)
        result[target.visitatie_id] = Team(lead, members)
    return result
