"""The gemeente context of the network's screens (peerreview/network/context.py)."""

from __future__ import annotations

from sqlalchemy import event, select

from peerreview.indicators.models import Area, AreaKind, IndicatorValue, ReferenceGroup
from peerreview.indicators.services import sync_gemeente_areas
from peerreview.network.context import ContextFilter, contexts, size_class_name
from tests.factories import indicator


def _world(session, make):
    deventer = make.gemeente("Deventer", regio="IJsselland", inhabitants=102_000)
    emmen = make.gemeente("Emmen", regio="Drenthe", inhabitants=108_000)
    beesel = make.gemeente("Beesel", regio="Noord-Limburg", inhabitants=13_500)
    sync_gemeente_areas(session)
    ses = indicator("SES_DECIEL", unit="decile", group="context")
    urban = indicator("STEDELIJKHEID", unit="klasse", group="context")
    chosen = Area(code="GK-50-100", name="Gemeenten met 50.000–100.000 inwoners", kind=AreaKind.GROOTTEKLASSE)
    session.add_all([ses, urban, chosen])
    session.flush()
    areas = {a.gemeente_id: a for a in session.scalars(select(Area).where(Area.gemeente_id.is_not(None)))}
    for measure, gemeente, period, value in (
        (ses, deventer, "2017", 3),
        (ses, deventer, "2019", 2),  # the latest period counts
        (urban, deventer, "2020", 2),
        (urban, emmen, "2020", 4),
    ):
        session.add(IndicatorValue(indicator_id=measure.id, area_id=areas[gemeente.id].id, period=period, value=value))
    # the analysts compare Deventer with the 50.000–100.000 class (their choice wins over the inhabitants)
    session.add(ReferenceGroup(gemeente_id=deventer.id, size_class_id=chosen.id))
    session.commit()
    return deventer, emmen, beesel


def test_context_reads_region_size_class_urbanisation_and_latest_ses_decile(session, make):
    deventer, emmen, beesel = _world(session, make)
    found = contexts(session)
    ctx = found[deventer.id]
    assert (ctx.name, ctx.slug, ctx.province, ctx.jeugdregio) == ("Deventer", "deventer", "Utrecht", "IJsselland")
    assert ctx.size_class == "Gemeenten met 50.000–100.000 inwoners"
    assert ctx.urbanisation == "sterk stedelijk" and ctx.urbanisation_class == 2
    assert ctx.ses_decile == 2
    assert found[emmen.id].size_class == "Gemeenten met 100.000–150.000 inwoners"  # from its inhabitants
    assert found[emmen.id].urbanisation == "weinig stedelijk" and found[emmen.id].ses_decile is None
    assert found[beesel.id].size_class == "Gemeenten met minder dan 20.000 inwoners"
    assert found[beesel.id].urbanisation is None


def test_context_of_some_gemeenten_takes_two_queries(app, session, make):
    deventer, emmen, _beesel = _world(session, make)
    statements: list[str] = []
    engine = session.get_bind()

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        found = contexts(session, [deventer.id, emmen.id])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert set(found) == {deventer.id, emmen.id}
    assert len(statements) == 2
    assert contexts(session, []) == {}


def test_filter_matches_every_chosen_field_and_orders_options(session, make):
    deventer, emmen, beesel = _world(session, make)
    found = contexts(session)
    only_urban = ContextFilter.from_args({"urbanisation": "sterk stedelijk", "province": ""})
    assert only_urban.active and only_urban.as_args() == {"urbanisation": "sterk stedelijk"}
    assert set(only_urban.apply(found)) == {deventer.id}
    assert set(ContextFilter.from_args({"ses_decile": "2"}).apply(found)) == {deventer.id}
    assert set(ContextFilter.from_args({"jeugdregio": "Drenthe", "ses_decile": "2"}).apply(found)) == set()
    assert set(ContextFilter.from_args({}).apply(found)) == {deventer.id, emmen.id, beesel.id}
    options = ContextFilter.options(found.values())
    assert options["urbanisation"] == ["sterk stedelijk", "weinig stedelijk"]
    assert options["size_class"] == [
        "Gemeenten met minder dan 20.000 inwoners",
        "Gemeenten met 50.000–100.000 inwoners",
        "Gemeenten met 100.000–150.000 inwoners",
    ]
    assert options["ses_decile"] == ["2"]


def test_size_class_names_follow_the_cbs_classes():
    assert size_class_name(19_999) == "Gemeenten met minder dan 20.000 inwoners"
    assert size_class_name(20_000) == "Gemeenten met 20.000–50.000 inwoners"
    assert size_class_name(931_000) == "Gemeenten met 300.000 of meer inwoners"
