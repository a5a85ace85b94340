"""Models of the images subsystem (see its issue)."""
