"""Contract-first API toolkit: lint, generate, run, serve and load against the contract."""

__version__ = "0.1.0"
