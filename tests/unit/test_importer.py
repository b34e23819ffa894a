"""The CBS CSV importer: both layouts, and every kind of bad row refused with its line and reason."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from peerreview.indicators import importer
from peerreview.indicators.models import Area, AreaKind, IndicatorValue
from tests.factories import indicator


@pytest.fixture
def target(session, make):
    make.gemeente("Deventer")  # CBS code GM00nn from the factory
    from peerreview.indicators.services import sync_gemeente_areas

    sync_gemeente_areas(session)
    session.add_all(
        [
            Area(code="NL01", name="Nederland", kind=AreaKind.NEDERLAND),
            indicator("JH121"),
            indicator("LASTEN", unit="euro", group="lasten"),
        ]
    )
    session.commit()
    return session.scalar(select(Area).where(Area.kind == AreaKind.GEMEENTE)).code


def values(session):
    return {(v.indicator.code, v.area.code, v.period): v.value for v in session.scalars(select(IndicatorValue))}


def test_the_observations_layout_is_read(session, target):
    data = f"Measure;RegioS;Perioden;Value\nJH121;{target};2017HJ01;8.1\nJH121;NL01  ;2020HJ01;7.2\nLASTEN;{target};2019JJ00;10143\n"
    report = importer.run(session, data.encode("utf-8-sig"))
    session.commit()
    assert (report.rows, report.added, report.rejected_count) == (3, 3, 0)
    assert values(session) == {
        ("JH121", target, "2017-H1"): 8.1,
        ("JH121", "NL01", "2020-H1"): 7.2,  # CBS pads region codes with spaces
        ("LASTEN", target, "2019"): 10143.0,
    }


def test_the_typed_data_set_layout_is_read_and_a_second_run_updates(session, target):
    first = f"ID,RegioS,Perioden,JH121,LASTEN\n0,{target},2019JJ00,6.7,9000\n1,NL01,2019JJ00,7.1,11409\n"
    report = importer.run(session, first.encode())
    session.commit()
    assert (report.added, report.rejected_count) == (4, 0)
    again = f"ID,RegioS,Perioden,JH121,LASTEN\n0,{target},2019JJ00,6.8,9000\n"
    report = importer.run(session, again.encode())
    session.commit()
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert values(session)[("JH121", target, "2019")] == 6.8


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("XX99;{gm};2019JJ00;1", "‘XX99’ is geen bekende indicatorcode."),
        ("JH121;GM15;2019JJ00;1", "‘GM15’ is geen geldige CBS-gemeentecode (GM gevolgd door vier cijfers)."),
        ("JH121;GM9999;2019JJ00;1", "Regiocode ‘GM9999’ is onbekend."),
        (
            "JH121;{gm};2019KW05;1",
            "‘2019KW05’ is geen periode die we kennen; gebruik bijvoorbeeld 2019JJ00 of 2020HJ01.",
        ),
        ("JH121;{gm};2019JJ00;n.v.t.", "‘n.v.t.’ is geen getal (JH121, {gm}, 2019JJ00)."),
        ("JH121;{gm};2019JJ00;", "Geen waarde voor JH121, {gm}, 2019JJ00."),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_reason(session, target, row, reason):
    data = f"Measure;RegioS;Perioden;Value\nLASTEN;{target};2019JJ00;100\n{row.format(gm=target)}\n"
    report = importer.run(session, data.encode())
    assert report.added == 1
    assert report.rejected == [{"line": 3, "reason": reason.format(gm=target)}]


def test_a_duplicate_row_is_refused_and_the_first_one_kept(session, target):
    data = f"Measure;RegioS;Perioden;Value\nJH121;{target};2019JJ00;6.7\nJH121;{target};2019JJ00;9.9\n"
    report = importer.run(session, data.encode())
    session.commit()
    assert report.rejected == [
        {"line": 3, "reason": f"JH121, {target}, 2019JJ00 staat al op regel 2; deze regel is overgeslagen."}
    ]
    assert values(session)[("JH121", target, "2019")] == 6.7


def test_an_empty_value_explains_its_value_attribute(session, target):
    data = f"Measure;ValueAttribute;RegioS;Perioden;Value\nJH121;Secret;{target};2019JJ00;\n"
    report = importer.run(session, data.encode())
    assert report.rejected[0]["reason"] == f"Geen waarde voor JH121, {target}, 2019JJ00 (ValueAttribute: Secret)."


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Gemeente;Jaar;Waarde\nDeventer;2019;1\n", "Het bestand mist de kolommen RegioS en Perioden."),
        (b"Measure;RegioS;Waarde\nJH121;NL01;1\n", "Het bestand mist de kolom Perioden."),
        (
            b"RegioS;Perioden;Onbekend\nNL01;2019JJ00;1\n",
            "Geen van de kolommen is een bekende indicatorcode (Onbekend).",
        ),
        (b"   \n", "Het bestand is leeg."),
        ("RegioS;Perioden\nNL01;2019\n".encode("utf-16"), "Het bestand is geen tekst in UTF-8."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(session, target, data, message):
    with pytest.raises(importer.FileRefused, match=re.escape(message)):
        importer.run(session, data)
    assert values(session) == {}


def test_periods_and_values():
    assert importer.parse_period("2019JJ00") == "2019"
    assert importer.parse_period("2020HJ02") == "2020-H2"
    assert importer.parse_period("2020-h1") == "2020-H1"
    assert importer.parse_period("2020MM01") is None
    assert importer.parse_value("8.1") == 8.1
    assert importer.parse_value("8,1") == 8.1
    assert importer.parse_value(" -0.3 ") == -0.3
    assert importer.parse_value("x") is None
