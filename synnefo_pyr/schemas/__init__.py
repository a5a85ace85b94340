"""Request validation: one module per API, reading like the guides' tables."""
