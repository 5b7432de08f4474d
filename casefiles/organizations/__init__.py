"""Organizations: partners on cases and campaigns, signatories of letters."""
