"""Rounds kept: the DuckDB or PostgreSQL store and the list of rounds (example + imported).
Imports ``ingest`` and ``domain``.
"""
