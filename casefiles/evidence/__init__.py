"""Evidence with provenance: web pages captured by the server through a locked fetcher, and files marked as evidence."""
