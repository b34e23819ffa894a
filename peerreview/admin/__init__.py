"""Network administration: users, network roles, invitations for any gemeente."""
