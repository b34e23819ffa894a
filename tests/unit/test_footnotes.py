"""A caveat shared by several cells of a table is one footnote under that table, not one per cell."""

from __future__ import annotations

from peerreview.indicators.services import Footnote


def test_one_note_for_the_cells_that_share_it_listed_per_table():
    note = Footnote(2, ["peiljaar_onzeker"], "Het jaar staat er niet bij.")
    note.cells += [
        ("Peel en Maas", "Inwoners", "2020", "portret"),
        ("Peel en Maas", "Eenoudergezinnen", "2020", "portret"),
        ("Peel en Maas", "Lasten", "2019", "kosten"),
    ]
    assert note.text("portret") == (
        "Peiljaar niet zeker. Het jaar staat er niet bij. Geldt voor Peel en Maas: Inwoners, 2020; Eenoudergezinnen, 2020."
    )
    assert note.text("kosten") == "Peel en Maas, Lasten, 2019: Peiljaar niet zeker. Het jaar staat er niet bij."
