"""Full-text search on the database's own engine (SQLite FTS5, PostgreSQL tsvector/GIN).

Words are folded (lowercase, no accents) and stemmed in English and in French before they reach the database,
so both engines index and match the very same terms; ranking, phrases and prefixes are the engine's own.
"""
