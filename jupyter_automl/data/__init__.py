"""Checks and preparation of the user's DataFrame before a search."""
