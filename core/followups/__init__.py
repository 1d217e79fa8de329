"""core.followups."""
