"""Accounts: users, memberships, network roles, invitations, login with two factors."""
