"""The gemeenteportret: skeleton, draft generation with provenance, versions, HTML and PDF, release."""
