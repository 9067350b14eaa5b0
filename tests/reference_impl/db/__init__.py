"""Tests of reference_impl.db."""
