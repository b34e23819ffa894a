"""The national network (issue 11): the passage index every network screen reads, and the theme matrix."""
