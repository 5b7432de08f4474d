"""Following a public case or campaign by email: double opt-in, one-click unsubscribe, a digest when something
published changes (never for private edits), in the follower's language, sent through the outbox."""
