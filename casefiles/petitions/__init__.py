"""Petitions signed on our own pages: double opt-in, one signature per email, never public but for the count and
the first name and city of those who agreed to be listed."""
