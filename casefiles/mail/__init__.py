"""Outgoing mail: an outbox table written in the same transaction as the change that sends it, delivered by the
background worker with retries and backoff, so nothing is lost while the SMTP server is down."""
