"""The schema: tenant ownership, constraint names, and models that match the migrations."""

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from peerreview import db, migrations
from peerreview.db import TenantOwned, tenant_reference
from peerreview.models import Base
from peerreview.tenants.models import size_class, slugify

# Tables that belong to the network, not to one gemeente. Every other table is tenant-owned.
GLOBAL_TABLES = {
    "gemeente",
    "jeugdregio",
    "user",
    "network_role",
    "recovery_code",
    "login_attempt",
    "invitation",  # a network-role invitation has no gemeente; gemeente invitations carry it
    "audit_event",  # logins belong to no gemeente; events about a gemeente carry it
    "outgoing_mail",
    "job_outbox",
    "round",
    "round_deadline",
    # key figures are public data (CBS, Findo); a gemeente's own interpretation (duiding) is tenant-owned
    "area",
    "indicator",
    "indicator_value",
    "indicator_import",
    "reference_group",
    "reference_group_member",
    # the national network's own work and its derived index: rows about many gemeenten at once, read through
    # ``access.audiences`` (each passage carries its gemeente_id for filters, not for ownership)
    "network_passage",
    "network_passage_theme",
    "network_cell",
    "network_index_version",
    "network_thread",
    "network_thread_version",
    "network_thread_evidence",
    "network_report",
}


def tenant_tables():
    return [t for t in Base.metadata.sorted_tables if t.name not in GLOBAL_TABLES]


def test_there_are_tenant_tables():
    assert {"membership", "visitatie"} <= {t.name for t in tenant_tables()}


def _unique_column_lists(table: sa.Table) -> list[list[str]]:
    """The column lists of the table's primary key, unique constraints and unique indexes."""
    constraints = [c for c in table.constraints if isinstance(c, sa.PrimaryKeyConstraint | sa.UniqueConstraint)]
    return [c.columns.keys() for c in constraints] + [i.columns.keys() for i in table.indexes if i.unique]


def _leading_columns(table: sa.Table) -> set[str]:
    """Columns that some index leads with: a lookup on one of them can use that index."""
    return {columns[0] for columns in [*_unique_column_lists(table), *(i.columns.keys() for i in table.indexes)]}


@pytest.mark.parametrize("table", Base.metadata.sorted_tables, ids=lambda t: t.name)
def test_no_index_repeats_the_start_of_a_unique_constraint(table):
    """A unique constraint's index serves lookups on its leading columns; a second index on them only costs writes."""
    for index in table.indexes:
        columns = index.columns.keys()
        for unique in _unique_column_lists(table):
            assert unique == columns or unique[: len(columns)] != columns, (
                f"{index.name} is covered by the unique constraint on {', '.join(unique)}"
            )


@pytest.mark.parametrize("table", tenant_tables(), ids=lambda t: t.name)
def test_every_tenant_table_has_an_indexed_gemeente_id(table):
    column = table.c.get("gemeente_id")
    assert column is not None, f"{table.name} has no gemeente_id"
    assert not column.nullable
    assert "gemeente_id" in _leading_columns(table), f"no index of {table.name} starts with gemeente_id"
    assert any(
        isinstance(c, sa.UniqueConstraint) and set(c.columns.keys()) == {"gemeente_id", "id"} for c in table.constraints
    ), f"{table.name} needs UNIQUE (gemeente_id, id) so children can reference it with the tenant"


@pytest.mark.parametrize("table", tenant_tables(), ids=lambda t: t.name)
def test_references_between_tenant_tables_include_the_gemeente(table):
    tenant_names = {t.name for t in tenant_tables()}
    for fk in table.foreign_key_constraints:
        if fk.referred_table.name in tenant_names:
            assert "gemeente_id" in fk.column_keys, f"{table.name} -> {fk.referred_table.name} skips the tenant"


def test_every_constraint_is_named():
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"unnamed constraint on {table.name}"


def test_models_and_migrations_agree(app):
    engine = app.extensions["peerreview.engine"]
    assert migrations.differences(engine) == []
    assert migrations.current(engine) == migrations.head(engine)


class _Scratch(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=db.NAMING_CONVENTION)


class _Gemeente(_Scratch):
    __tablename__ = "gemeente"
    id: Mapped[int] = mapped_column(primary_key=True)


class _Parent(TenantOwned, _Scratch):
    __tablename__ = "scratch_parent"
    id: Mapped[int] = mapped_column(primary_key=True)


class _Child(TenantOwned, _Scratch):
    __tablename__ = "scratch_child"
    __extra_table_args__ = (tenant_reference("parent_id", "scratch_parent"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int]


@pytest.mark.real_commits  # DDL and inserts on the app's own engine, outside the test's transaction
def test_the_database_refuses_a_cross_tenant_reference(app, make):
    """The mechanism every tenant-owned child uses: a composite key with the gemeente id."""
    a, b = make.gemeente("Aardam"), make.gemeente("Beekdorp")
    tables = [_Parent.__table__, _Child.__table__]
    engine = app.extensions["peerreview.engine"]
    _Scratch.metadata.create_all(engine, tables=tables)
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(_Parent.__table__).values(id=1, gemeente_id=a.id))
            connection.execute(sa.insert(_Child.__table__).values(id=1, gemeente_id=a.id, parent_id=1))
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(sa.insert(_Child.__table__).values(id=2, gemeente_id=b.id, parent_id=1))
    finally:
        _Scratch.metadata.drop_all(engine, tables=tables)


@pytest.mark.parametrize(
    ("inhabitants", "label"),
    [
        (13_500, "minder dan 20.000"),
        (20_000, "20.000–50.000"),
        (102_000, "100.000–150.000"),
        (367_000, "300.000 en meer"),
        (150_000, "150.000–300.000"),
    ],
)
def test_size_class(inhabitants, label):
    assert size_class(inhabitants) == label


def test_slugify():
    assert slugify("Peel en Maas") == "peel-en-maas"
    assert slugify("Súdwest-Fryslân") == "sudwest-fryslan"
