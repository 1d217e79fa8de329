"""core.store."""
