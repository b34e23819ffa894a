"""The review's one error type."""

from __future__ import annotations


class ReviewError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""
