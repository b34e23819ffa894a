"""Peer review: review teams, annotations against the twelve themes, theme summaries.

Services live in modules by subject (``assignments``, ``annotations``, ``summaries``, ``visit_questions``,
``release``, ``agreement``, ``reanchoring``); the pages are views on one blueprint (``views``).
"""

from __future__ import annotations

from peerreview import signals
from peerreview.review.reanchoring import on_submission_revised

# A resubmitted zelfevaluatie moves the annotations to the new text; the zelfevaluatie itself does not
# import the review.
signals.submission_revised.connect(on_submission_revised)
