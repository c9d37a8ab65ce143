"""Triage rules kept as data, and the pinned verdicts that make a change of verdict a reviewed diff."""
