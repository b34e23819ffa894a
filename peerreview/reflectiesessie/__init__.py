"""The reflectiesessie: planning, invitations with a calendar file, the record of the session, and the wederhoor."""
