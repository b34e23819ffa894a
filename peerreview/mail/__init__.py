"""Outgoing e-mail: every message is stored, then delivered by a background job.

In development the ``outbox`` backend only marks the message delivered; the messages are readable
at ``/outbox``. In production the ``smtp`` backend sends them.
"""
