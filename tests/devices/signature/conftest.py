"""Fixtures for the signature-format tests."""
