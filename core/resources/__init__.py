"""The shelf of free help: resources an admin keeps, shared with debtors and followed up."""
