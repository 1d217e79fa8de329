"""core.importer."""
