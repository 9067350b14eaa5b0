# Generated from spec/openapi.yaml by `conformance generate`: do not edit by hand.
"""Pydantic v2 models made from `spec/openapi.yaml`; they live in `generated.models`."""
