"""Outcome insight: three fixed questions answered with counts and 95 % intervals."""
