"""Backend drivers: ``simulated`` is built in; others are named by the
dotted name of their factory (``synnefo_pyr.backend.driver``)."""
