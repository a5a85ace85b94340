"""Models of the compute subsystem (see its issue)."""
