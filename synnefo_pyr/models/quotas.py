"""Models of the quotas subsystem (see its issue)."""
