"""Peer review: review teams, annotations against the twelve themes, theme summaries."""
