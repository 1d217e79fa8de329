"""core.team."""
