"""Reusable test helpers (real servers started by the tests themselves)."""
