"""The home page: what needs the user's attention, per role."""
