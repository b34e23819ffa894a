"""Peer review: review teams, annotations against the twelve themes, theme summaries.

Services live in modules by subject (``assignments``, ``annotating``, ``summaries``, ``visit_questions``,
``release``, ``agreement``, ``reanchoring``); the pages are views on one blueprint (``views``). The
annotation services are in ``annotating``, not ``annotations``: every module here starts with
``from __future__ import annotations``, and a module of that name would shadow it for type checkers.
"""

from __future__ import annotations

from peerreview import signals
from peerreview.review.reanchoring import on_submission_revised

# A resubmitted zelfevaluatie moves the annotations to the new text; the zelfevaluatie itself does not
# import the review.
signals.submission_revised.connect(on_submission_revised)
