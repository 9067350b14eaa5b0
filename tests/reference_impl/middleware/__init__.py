"""Tests of reference_impl.middleware."""
