"""Gemeenten (the tenants) and jeugdregio's."""
