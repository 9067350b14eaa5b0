"""Contract-first conformance toolkit: lint, generate, run, serve and load against `spec/openapi.yaml`."""

__version__ = "0.1.0"
