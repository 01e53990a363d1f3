"""Checks over the loaded repository: small pure functions listed in one registry."""
