"""Dutch dates and numbers (Babel's nl locale), as pages, PDFs and e-mails show them."""

from datetime import UTC, date, datetime

import pytest

from peerreview.formatting import date_nl, datetime_nl, number_nl


@pytest.mark.parametrize(
    ("value", "shown"),
    [(date(2027, 1, 15), "15 januari 2027"), (date(2026, 3, 5), "5 maart 2026"), (None, "—")],
)
def test_dates_are_written_out_in_dutch(value, shown):
    assert date_nl(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (datetime(2027, 1, 15, 13, 5, tzinfo=UTC), "15 januari 2027, 14:05"),  # winter: UTC+1
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), "2 juli 2026, 00:30"),  # summer: UTC+2, the next day
        (datetime(2026, 7, 1, 22, 30), "2 juli 2026, 00:30"),  # naive, as SQLite returns it: stored as UTC
        (None, "—"),
    ],
)
def test_moments_are_shown_in_dutch_local_time(value, shown):
    assert datetime_nl(value) == shown


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (1250.5, None, "1.250,5"),
        (3400000, None, "3.400.000"),
        (4.0, None, "4"),
        (1 / 3, None, "0,33"),
        (-1234567.891, None, "-1.234.567,89"),
        (12.5, 1, "12,5"),
        (12, 1, "12,0"),
        (1250.75, 0, "1.251"),
        (0.5, 2, "0,50"),
        # Half up on the number as written, not on the binary float (2.675 is 2.67499… as a float).
        (2.675, 2, "2,68"),
        (0.125, None, "0,13"),
        (2.665, None, "2,67"),
    ],
)
def test_numbers_have_dutch_separators_and_round_half_up(value, decimals, shown):
    assert number_nl(value, decimals) == shown
