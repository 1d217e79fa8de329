"""Stateful widgets pages compose; each `show(key=…)` owns its state and returns a value."""
