"""Review teams: the conflict-of-interest rules (check_team) and the suggested assignment (suggest)."""

import pytest

from peerreview.review.teams import Candidate, Problem, Target, Team, blocked, check_round, check_team, suggest

# Ten gemeenten in three jeugdregio's, two candidates per gemeente.
REGIONS = {
    "IJsselland": ["Deventer", "Zwolle", "Kampen", "Raalte"],
    "Twente": ["Enschede", "Hengelo", "Almelo"],
    "Achterhoek": ["Doetinchem", "Winterswijk", "Aalten"],
}
FIRST = ["Anouk", "Bram", "Carla", "Daan", "Eva", "Femke", "Gijs", "Hanna", "Ilse", "Joost"]
LAST = ["Aalbers", "Bakker", "Claassen", "Dekker", "Evers", "Franssen", "Groen", "Hendriks", "Jansen", "Kok"]


def realistic() -> tuple[list[Target], list[Candidate]]:
    targets, candidates = [], []
    gemeente_id = 0
    for region, names in REGIONS.items():
        for name in names:
            gemeente_id += 1
            targets.append(Target(100 + gemeente_id, gemeente_id, name, region))
            for j in range(2):
                user_id = gemeente_id * 10 + j
                person = f"{FIRST[gemeente_id - 1]} {LAST[(gemeente_id + 3 * j) % 10]}"
                candidates.append(Candidate(user_id, person, gemeente_id, region, name))
    return targets, candidates


TARGETS, CANDIDATES = realistic()
T = {t.gemeente_name: t for t in TARGETS}
BY_ID = {t.visitatie_id: t for t in TARGETS}
PEOPLE = {c.user_id: c for c in CANDIDATES}

DEVENTER, ZWOLLE, ENSCHEDE, HENGELO, DOETINCHEM = (
    T[n] for n in ("Deventer", "Zwolle", "Enschede", "Hengelo", "Doetinchem")
)
# Named people for the rule tests (user_id = gemeente_id * 10 + j).
ANOUK = Candidate(1, "Anouk Aalbers", DEVENTER.gemeente_id, "IJsselland")
BRAM = Candidate(2, "Bram Bakker", ZWOLLE.gemeente_id, "IJsselland")
EVA = Candidate(3, "Eva Evers", ENSCHEDE.gemeente_id, "Twente")
FEMKE = Candidate(4, "Femke Franssen", HENGELO.gemeente_id, "Twente")
GIJS = Candidate(5, "Gijs Groen", DOETINCHEM.gemeente_id, "Achterhoek")
HANNA = Candidate(6, "Hanna Hendriks", DOETINCHEM.gemeente_id, "Achterhoek")
NOOR = Candidate(7, "Noor Nijland", 99, None)  # a gemeente outside the round, no jeugdregio known
NAMED = {c.user_id: c for c in (ANOUK, BRAM, EVA, FEMKE, GIJS, HANNA, NOOR)}


def check(target: Target, team: Team, all_teams: dict[int, Team] | None = None, **kwargs) -> list[Problem]:
    return check_team(target, team, NAMED, all_teams or {target.visitatie_id: team}, BY_ID, **kwargs)


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.level, p.code) for p in problems]


# ------------------------------------------------------------------------------------------------ check_team


def test_a_sound_team_has_no_problems():
    problems = check(DEVENTER, Team(EVA.user_id, [GIJS.user_id, NOOR.user_id]))
    assert problems == []
    assert not blocked(problems)


def test_reviewer_from_the_reviewed_gemeente_is_blocked():
    problems = check(DEVENTER, Team(EVA.user_id, [ANOUK.user_id]))
    assert codes(problems) == [("block", "own_gemeente")]
    assert problems[0].message == "Anouk Aalbers werkt bij Deventer, de gemeente die wordt gevisiteerd."
    assert blocked(problems)


def test_own_gemeente_is_blocked_even_when_the_setting_is_warn():
    problems = check(DEVENTER, Team(ANOUK.user_id, [EVA.user_id]), same_region="warn")
    assert codes(problems) == [("block", "own_gemeente")]  # not also reported as the same jeugdregio


def test_same_region_is_blocked_with_setting_block():
    problems = check(DEVENTER, Team(EVA.user_id, [BRAM.user_id]), same_region="block")
    assert codes(problems) == [("block", "same_region")]
    message = problems[0].message
    assert message == "Bram Bakker (Zwolle) komt uit dezelfde jeugdregio (IJsselland) als Deventer."
    assert blocked(problems)


def test_same_region_is_a_warning_with_setting_warn():
    problems = check(DEVENTER, Team(EVA.user_id, [BRAM.user_id]), same_region="warn")
    assert codes(problems) == [("warn", "same_region")]
    assert "Bram Bakker" in problems[0].message and "IJsselland" in problems[0].message
    assert not blocked(problems)


def test_unknown_jeugdregio_never_counts_as_the_same_region():
    target = Target(500, 98, "Elders", None)
    assert check(target, Team(NOOR.user_id, [EVA.user_id])) == []


@pytest.mark.parametrize("checked", ["Deventer", "Enschede"])
def test_reciprocity_is_a_warning_on_both_teams(checked):
    teams = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),  # Enschede reviews Deventer
        ENSCHEDE.visitatie_id: Team(ANOUK.user_id, [HANNA.user_id]),
    }  # Deventer reviews Enschede
    target = T[checked]
    problems = check(target, teams[target.visitatie_id], teams)
    assert codes(problems) == [("warn", "reciprocity")]
    message = problems[0].message
    assert "visiteren elkaar in deze ronde" in message
    assert "Eva Evers (Enschede)" in message and "Anouk Aalbers (Deventer)" in message
    assert not blocked(problems)


def test_reciprocity_message_reads_from_the_checked_team():
    teams = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),
        ENSCHEDE.visitatie_id: Team(ANOUK.user_id, [HANNA.user_id]),
    }
    problems = check(DEVENTER, teams[DEVENTER.visitatie_id], teams)
    assert problems[0].message == (
        "Enschede en Deventer visiteren elkaar in deze ronde: Eva Evers (Enschede) zit in "
        "het reviewteam voor Deventer en Anouk Aalbers (Deventer) in het reviewteam voor "
        "Enschede."
    )


def test_one_way_reviewing_is_no_reciprocity():
    teams = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),  # Enschede reviews Deventer
        ENSCHEDE.visitatie_id: Team(HANNA.user_id, [NOOR.user_id]),
    }  # nobody from Deventer
    assert check(DEVENTER, teams[DEVENTER.visitatie_id], teams) == []
    assert check(ENSCHEDE, teams[ENSCHEDE.visitatie_id], teams) == []


def test_the_proposed_team_replaces_the_stored_one():
    stored = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),
        ENSCHEDE.visitatie_id: Team(HANNA.user_id, [NOOR.user_id]),
    }
    proposal = Team(ANOUK.user_id, [HANNA.user_id])  # Deventer would now review Enschede
    problems = check(ENSCHEDE, proposal, stored)
    assert codes(problems) == [("warn", "reciprocity")]
    assert "Anouk Aalbers (Deventer)" in problems[0].message


def test_load_warning_above_the_maximum():
    teams = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),
        ZWOLLE.visitatie_id: Team(FEMKE.user_id, [GIJS.user_id]),
        ENSCHEDE.visitatie_id: Team(NOOR.user_id, [GIJS.user_id]),
    }
    problems = check(DEVENTER, teams[DEVENTER.visitatie_id], teams)
    assert codes(problems) == [("warn", "load")]
    assert problems[0].message == "Gijs Groen zit in deze ronde in 3 reviewteams; het advies is hoogstens 2."
    assert check(DEVENTER, teams[DEVENTER.visitatie_id], teams, max_per_reviewer=3) == []


def test_load_at_the_maximum_is_fine_and_the_maximum_is_a_setting():
    teams = {
        DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]),
        ZWOLLE.visitatie_id: Team(FEMKE.user_id, [GIJS.user_id]),
    }
    assert check(DEVENTER, teams[DEVENTER.visitatie_id], teams) == []
    problems = check(DEVENTER, teams[DEVENTER.visitatie_id], teams, max_per_reviewer=1)
    assert codes(problems) == [("warn", "load")]
    assert "Gijs Groen" in problems[0].message and "hoogstens 1" in problems[0].message


def test_a_team_without_lead_is_blocked():
    problems = check(DEVENTER, Team(None, [EVA.user_id]))
    assert codes(problems) == [("block", "no_lead")]
    assert problems[0].message == "Het reviewteam voor Deventer heeft nog geen teamleider."


def test_a_lead_without_members_is_a_warning():
    problems = check(DEVENTER, Team(EVA.user_id, []))
    assert codes(problems) == [("warn", "team_size")]
    assert "Deventer" in problems[0].message and "geen leden" in problems[0].message


def test_more_than_two_members_is_a_warning():
    problems = check(DEVENTER, Team(EVA.user_id, [FEMKE.user_id, GIJS.user_id, NOOR.user_id]))
    assert codes(problems) == [("warn", "team_size")]
    assert "3 leden" in problems[0].message and "meer dan twee" in problems[0].message


@pytest.mark.parametrize("team", [Team(EVA.user_id, [EVA.user_id]), Team(EVA.user_id, [GIJS.user_id, GIJS.user_id])])
def test_the_same_person_twice_is_blocked(team):
    problems = check(DEVENTER, team)
    assert ("block", "team_size") in codes(problems)
    assert any("meer dan één keer in het reviewteam voor Deventer" in p.message for p in problems)
    assert blocked(problems)


def test_several_problems_are_reported_together_blocks_first_per_person():
    teams = {DEVENTER.visitatie_id: Team(None, [ANOUK.user_id, BRAM.user_id])}
    problems = check(DEVENTER, teams[DEVENTER.visitatie_id], teams, same_region="warn")
    assert codes(problems) == [("block", "no_lead"), ("block", "own_gemeente"), ("warn", "same_region")]


def test_people_missing_from_candidates_are_an_error():
    with pytest.raises(ValueError, match="not in candidates"):
        check(DEVENTER, Team(12345, []))


def test_unknown_setting_is_an_error():
    with pytest.raises(ValueError, match="same_region"):
        check(DEVENTER, Team(EVA.user_id, [GIJS.user_id]), same_region="maybe")


def test_blocked():
    assert not blocked([])
    assert not blocked([Problem("warn", "load", "x")])
    assert blocked([Problem("warn", "load", "x"), Problem("block", "no_lead", "y")])


def test_check_round_checks_every_team():
    teams = {DEVENTER.visitatie_id: Team(EVA.user_id, [GIJS.user_id]), ENSCHEDE.visitatie_id: Team(ANOUK.user_id, [])}
    result = check_round(TARGETS, teams, NAMED)
    assert set(result) == {DEVENTER.visitatie_id, ENSCHEDE.visitatie_id}
    assert codes(result[DEVENTER.visitatie_id]) == [("warn", "reciprocity")]
    assert codes(result[ENSCHEDE.visitatie_id]) == [("warn", "team_size"), ("warn", "reciprocity")]


# --------------------------------------------------------------------------------------------------- suggest


def quality(targets, candidates, teams, same_region="block", max_per_reviewer=2):
    people = {c.user_id: c for c in candidates}
    problems = check_round(targets, teams, people, same_region, max_per_reviewer)
    everything = [p for found in problems.values() for p in found]
    load: dict[int, int] = {}
    for team in teams.values():
        for user_id in team.people():
            load[user_id] = load.get(user_id, 0) + 1
    leads = [team.lead for team in teams.values() if team.lead is not None]
    return {
        "blocks": [p.message for p in everything if p.level == "block"],
        "warnings": [p.message for p in everything if p.level == "warn"],
        "full": sum(1 for team in teams.values() if team.lead is not None and len(team.members) == 2),
        "spread": max(load.values()) - min(load.values()) if load else 0,
        "double_leads": len(leads) - len(set(leads)),
    }


@pytest.mark.parametrize("same_region", ["block", "warn"])
def test_suggest_on_a_realistic_round(same_region):
    teams = suggest(TARGETS, CANDIDATES, same_region=same_region)
    q = quality(TARGETS, CANDIDATES, teams, same_region)
    assert list(teams) == [t.visitatie_id for t in TARGETS]
    assert q["full"] == len(TARGETS)
    assert q["blocks"] == []
    assert q["warnings"] == []  # so no reciprocity, no same jeugdregio, nobody on more than two teams
    assert q["spread"] <= 1
    assert q["double_leads"] == 0


@pytest.mark.parametrize("seed", range(10))
def test_suggest_is_clean_for_ten_seeds(seed):
    q = quality(TARGETS, CANDIDATES, suggest(TARGETS, CANDIDATES, seed=seed))
    assert (q["full"], q["blocks"], q["warnings"]) == (len(TARGETS), [], [])
    assert q["spread"] <= 1


def test_suggest_never_uses_the_reviewed_gemeente_or_its_region():
    for visitatie_id, team in suggest(TARGETS, CANDIDATES).items():
        target = BY_ID[visitatie_id]
        for user_id in team.people():
            assert PEOPLE[user_id].gemeente_id != target.gemeente_id
            assert PEOPLE[user_id].jeugdregio != target.jeugdregio


def test_suggest_keeps_existing_teams_and_counts_them():
    enschede_1, enschede_2 = (c.user_id for c in CANDIDATES if c.gemeente_id == ENSCHEDE.gemeente_id)
    doetinchem_1 = next(c.user_id for c in CANDIDATES if c.gemeente_id == DOETINCHEM.gemeente_id)
    existing = {
        DEVENTER.visitatie_id: Team(enschede_1, [doetinchem_1]),
        ZWOLLE.visitatie_id: Team(enschede_1, [enschede_2]),  # allowed, if not ideal
    }
    teams = suggest(TARGETS, CANDIDATES, existing=existing)
    assert teams[DEVENTER.visitatie_id] == existing[DEVENTER.visitatie_id]
    assert teams[ZWOLLE.visitatie_id] == existing[ZWOLLE.visitatie_id]
    assert teams[DEVENTER.visitatie_id] is not existing[DEVENTER.visitatie_id]  # a copy
    others = [team for v, team in teams.items() if v not in existing]
    assert all(enschede_1 not in team.people() for team in others)  # already on two teams
    # Enschede reviews Deventer and Zwolle, so nobody from those two reviews Enschede.
    assert {PEOPLE[u].gemeente_name for u in teams[ENSCHEDE.visitatie_id].people()}.isdisjoint({"Deventer", "Zwolle"})
    q = quality(TARGETS, CANDIDATES, teams)
    assert q["blocks"] == [] and q["warnings"] == []
    assert all(team.lead is not None and len(team.members) == 2 for team in others)


def test_suggest_with_every_candidate_in_one_region_gives_partial_teams_without_blocked_assignments():
    targets = [Target(100 + g, g, name, "IJsselland") for g, name in enumerate(REGIONS["IJsselland"], 1)]
    candidates = [Candidate(g * 10 + j, f"Persoon {g}-{j}", g, "IJsselland") for g in range(1, 5) for j in range(2)]
    teams = suggest(targets, candidates, same_region="block")
    assert all(team == Team(None, []) for team in teams.values())
    for target in targets:
        problems = check_team(
            target,
            teams[target.visitatie_id],
            {c.user_id: c for c in candidates},
            teams,
            {t.visitatie_id: t for t in targets},
        )
        assert {p.code for p in problems} == {"no_lead", "team_size"}


def test_suggest_gives_as_many_as_possible_when_few_are_allowed():
    # Only Noor (outside the round) and Eva (Twente) may review Deventer under "block".
    candidates = [ANOUK, BRAM, EVA, NOOR]
    teams = suggest([DEVENTER], candidates)
    team = teams[DEVENTER.visitatie_id]
    assert team.lead is not None and len(team.members) == 1
    assert set(team.people()) == {EVA.user_id, NOOR.user_id}
    # A single admissible person becomes the lead; check_team then asks for members.
    teams = suggest([DEVENTER], [ANOUK, BRAM, NOOR])
    assert teams[DEVENTER.visitatie_id] == Team(NOOR.user_id, [])
    problems = check_team(DEVENTER, teams[DEVENTER.visitatie_id], NAMED, teams, BY_ID)
    assert codes(problems) == [("warn", "team_size")]


def test_suggest_fills_teams_even_when_a_warning_is_unavoidable():
    # Four gemeenten with one reviewer each: everybody reviews everybody else.
    targets = TARGETS[:4]
    candidates = [c for c in CANDIDATES if c.user_id % 10 == 0 and c.gemeente_id <= 4]
    teams = suggest(targets, candidates, same_region="warn")
    q = quality(targets, candidates, teams, "warn")
    assert q["full"] == 4 and q["blocks"] == []
    assert q["warnings"]  # reciprocity, the same jeugdregio and load cannot be avoided here


def test_suggest_prefers_avoiding_the_same_region_even_with_setting_warn():
    teams = suggest(TARGETS, CANDIDATES, same_region="warn", seed=3)
    q = quality(TARGETS, CANDIDATES, teams, "warn")
    assert not any("jeugdregio" in w for w in q["warnings"])


def test_suggest_spreads_the_load_over_many_candidates():
    # 5 targets × 3 places and 20 candidates: nobody needs to be on two teams.
    targets = TARGETS[:5]
    teams = suggest(targets, CANDIDATES, same_region="warn")
    q = quality(targets, CANDIDATES, teams, "warn")
    assert q["full"] == 5 and q["warnings"] == []
    used = [u for team in teams.values() for u in team.people()]
    assert len(used) == len(set(used)) == 15


def test_suggest_team_size_two():
    teams = suggest(TARGETS, CANDIDATES, team_size=2)
    assert all(team.lead is not None and len(team.members) == 1 for team in teams.values())
    q = quality(TARGETS, CANDIDATES, teams)
    assert q["blocks"] == [] and q["warnings"] == []
    assert q["spread"] == 0  # 20 places, 20 people


def test_suggest_is_deterministic_for_a_seed():
    first = suggest(TARGETS, CANDIDATES, seed=7)
    assert suggest(TARGETS, CANDIDATES, seed=7) == first
    assert suggest(list(TARGETS), list(reversed(CANDIDATES)), seed=7) == first  # candidate order does not matter


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"team_size": 4}, "team_size"),
        ({"team_size": 1}, "team_size"),
        ({"same_region": "sometimes"}, "same_region"),
        ({"max_per_reviewer": 0}, "max_per_reviewer"),
    ],
)
def test_suggest_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        suggest(TARGETS, CANDIDATES, **kwargs)


def test_suggest_rejects_duplicate_targets():
    with pytest.raises(ValueError, match="visitatie_id"):
        suggest([DEVENTER, DEVENTER], CANDIDATES)


def test_suggest_with_nothing_to_do():
    assert suggest([], CANDIDATES) == {}
    assert suggest(TARGETS[:1], []) == {TARGETS[0].visitatie_id: Team(None, [])}


def big_round() -> tuple[list[Target], list[Candidate]]:
    """40 participating gemeenten in 8 jeugdregio's, 120 candidates from 60 gemeenten."""
    targets = [Target(1000 + g, g, f"Gemeente {g}", f"Regio {g % 8}") for g in range(1, 41)]
    candidates = [
        Candidate(i, f"Reviewer {i}", 1 + i % 60, None if i % 11 == 0 else f"Regio {(1 + i % 60) % 8}")
        for i in range(1, 121)
    ]
    return targets, candidates


@pytest.mark.parametrize("same_region", ["block", "warn"])
def test_suggest_fills_every_team_of_40_targets_from_120_candidates(same_region):
    """Behaviour only; how long it takes is measured by bench/teams.py."""
    targets, candidates = big_round()
    teams = suggest(targets, candidates, same_region=same_region)
    q = quality(targets, candidates, teams, same_region)
    assert q["full"] == 40 and q["blocks"] == [] and q["warnings"] == []
    assert q["spread"] <= 1


def test_suggest_fills_every_team_when_warnings_are_unavoidable():
    """35 of 40 gemeenten in one jeugdregio: most teams must warn, so every improvement run is spent
    (the slowest case of bench/teams.py)."""
    targets = [Target(1000 + g, g, f"Gemeente {g}", "Groot" if g <= 35 else "Klein") for g in range(1, 41)]
    candidates = [
        Candidate(i, f"Reviewer {i}", 1 + i % 40, "Groot" if 1 + i % 40 <= 35 else "Klein") for i in range(1, 121)
    ]
    for same_region in ("block", "warn"):
        teams = suggest(targets, candidates, same_region=same_region)
        q = quality(targets, candidates, teams, same_region)
        assert q["full"] == 40 and q["blocks"] == []
