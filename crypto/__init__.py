"""Crypto layer: capture log, PKI and keys, PAdES signing and the seal, timestamps, verification.

Imports nothing of Inkseal's and no Qt.
"""
