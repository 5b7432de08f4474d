"""PDF briefs of a case (legal, public, advocacy one-pager) and multi-case dossiers."""
