"""Alembic migrations of the service's schema (run `conformance serve --migrate`, or
`alembic -c reference_impl/alembic.ini upgrade head`)."""
