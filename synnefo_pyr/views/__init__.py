"""The HTTP edge: Cornice services, one subpackage or module per API.

Each API package (``identity``, ``quotas``, ``images``, ``compute``...)
includes its views under its own URL root; ``views/errors.py`` renders
every error as the documented fault.
"""
