"""The recovery team dashboard's library: models, storage, services and pure domain logic."""
