"""Visitatierondes: a round coordinator runs a round; each participating gemeente gets a visitatie."""
