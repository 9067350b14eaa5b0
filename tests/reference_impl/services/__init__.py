"""Tests of reference_impl.services."""
