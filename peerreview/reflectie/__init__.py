"""The reflectie on the concept portret: the gemeente comments (also partner organisations through a
personal link), its coordinator merges duplicates and sends them as one response, the review team
answers every comment, and the portret becomes definitive in two steps (the team lead proposes, the
gemeente's coordinator adopts).

Modules by subject: ``comments`` (writing, merging, sending, the definitive gate), ``anchors`` (passage
comments follow the team's edits), ``guests`` (personal links), ``answers`` (the factual-accuracy log),
``adoption`` (feedback deadline, propose, adopt). Pages are on one blueprint (``views``).
"""

from __future__ import annotations

from peerreview import signals
from peerreview.reflectie.anchors import on_version_stored

# A new portret version moves the passage comments to its text; the portret does not import the reflectie.
signals.portret_version_stored.connect(on_version_stored)
