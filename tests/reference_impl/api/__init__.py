"""Tests of reference_impl.api."""
