"""Ids beyond PostgreSQL's integer range, negative or not numeric: 404 in paths, refused in forms."""

from __future__ import annotations

import pytest

from peerreview.accounts.models import MembershipRole
from peerreview.ids import MAX_ID, parse_id

VALID = [("0", 0), ("42", 42), (str(MAX_ID), MAX_ID)]
INVALID = [str(MAX_ID + 1), "9" * 20, "-1", "", "abc", "1e3", "٣", "4\x00", None]


@pytest.mark.parametrize(("raw", "parsed"), [*VALID, *((raw, None) for raw in INVALID)])
def test_parse_id_accepts_only_whole_numbers_in_the_integer_range(raw, parsed):
    assert parse_id(raw) == parsed


@pytest.mark.parametrize(
    "path",
    [
        "/visitaties/99999999999999999999",
        f"/visitaties/{MAX_ID + 1}/zelfevaluatie",
        "/visitaties/99999999999999999999/portret",
        "/visitaties/99999999999999999999/visitatie",
        "/rondes/99999999999999999999",
        "/visitaties/1/zelfevaluatie/documenten/99999999999999999999",
    ],
)
def test_an_id_beyond_the_integer_range_in_a_path_is_404(client_for, make, path):
    user = make.user(gemeente=make.gemeente(), role=MembershipRole.COORDINATOR)
    assert client_for(user).get(path).status_code == 404
