"""The relationship beyond the balance: after-care once an account is paid, goodwill, and
milestones of progress in a plan (issue 15)."""
