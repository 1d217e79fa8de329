"""core.checkins."""
