"""Sign-on letters and their signatory organizations."""
