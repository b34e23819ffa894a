from __future__ import annotations


class ReflectieError(Exception):
    """A refused operation; the message is Dutch and meant for the user."""
