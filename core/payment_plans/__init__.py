"""core.payment_plans."""
