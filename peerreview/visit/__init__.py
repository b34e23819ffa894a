"""The visit: conversations with respondents (by role), notes and quotes."""
