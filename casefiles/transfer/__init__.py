"""Bringing data in (CSV import with a preview) and out (JSON and CSV export)."""
